import type { Derived, LibrarySnapshot } from './library';
import type { Paper, PersonName, Problem, Publication } from './model';
import type { EncodedPapers } from './paperCatalog';
import type { SerializedTermIndex } from './termIndex';
import { paperSummary } from './paperCard';
import { SerializedSearchIndex } from './searchIndex';

const TEXT_FIELDS = ['title', 'techniques', 'abstract', 'authors'] as const;

/**
 * The saved index as bytes: a small JSON header, then sections. Papers, abstracts and
 * the search index are cut into chunks (no single 100 MB string to build or parse), and
 * the term indexes are stored as typed arrays that load without copying.
 */

/** The prefix's layout is in the magic word: an index of another layout reads as another version's. */
const MAGIC = 'PDSB';
/**
 * Magic, header length, front length, front checksum, rest checksum. The front (the header,
 * the meta section and the editor's summaries) is checked on its own, so that the summaries
 * can go to the editor before the rest has been read through; the rest (the search index,
 * the derived names) is checked before anything is decoded from it. The papers, last and
 * most of the file, are checked a chunk at a time as they are decoded (each chunk's section
 * has its checksum in the header): a restore searches before it decodes them.
 */
const PREFIX = 20;
/**
 * Papers per stored chunk. A restore searches before it decodes the papers, and a search
 * reads the chunks of the papers it shows: a chunk is decoded in well under a millisecond.
 */
const PAPER_CHUNK = 100;
/** Summaries per stored piece: the editor decodes one in 2–7 ms, a few per turn of its event loop. */
export const SUMMARIES_PER_PIECE = 250;

type Kind = 'json' | 'text' | 'bytes' | 'u32' | 'u16' | 'u8';
interface Section {
  name: string;
  kind: Kind;
  offset: number;
  length: number;
  /** The checksum of a section checked when it is read (see PREFIX), its padding included. */
  sum?: number;
}

/** A length rounded up to whole words: sections are stored so. */
function padded(length: number): number {
  return length + ((4 - (length % 4)) % 4);
}

class Writer {
  readonly sections: Section[] = [];
  private readonly parts: Uint8Array[] = [];
  private size = 0;
  /** Where the front ends (see PREFIX), counted from the end of the header. */
  private frontSize = 0;
  /** Where the sections checked as they are read begin (see PREFIX); undefined before `startChecksPerSection`. */
  private perSectionFrom: number | undefined;
  private readonly encoder = new TextEncoder();

  add(name: string, kind: Kind, bytes: Uint8Array): void {
    const section: Section = { name, kind, offset: this.size, length: bytes.byteLength };
    if (this.perSectionFrom !== undefined) {
      const words = new Uint8Array(padded(bytes.byteLength));
      words.set(bytes);
      section.sum = checksum(new Uint32Array(words.buffer), 0, words.byteLength >>> 2, 0);
    }
    this.sections.push(section);
    this.parts.push(bytes);
    this.size += bytes.byteLength;
    const pad = padded(this.size) - this.size;
    if (pad) {
      this.parts.push(new Uint8Array(pad));
      this.size += pad;
    }
  }

  json(name: string, value: unknown): void {
    this.add(name, 'json', this.encoder.encode(JSON.stringify(value)));
  }

  text(name: string, value: string): void {
    this.add(name, 'text', this.encoder.encode(value));
  }

  /** Strings one after another (no 50,000 JSON strings to parse), and where each ends. */
  strings(name: string, values: readonly string[]): void {
    this.text(name, values.join(''));
    let end = 0;
    this.array(`${name}:ends`, 'u32', Uint32Array.from(values, (value) => (end += value.length)));
  }

  array(name: string, kind: 'u32' | 'u16' | 'u8', value: Uint32Array | Uint16Array | Uint8Array): void {
    this.add(name, kind, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  }

  /** The sections so far are the front (see PREFIX). */
  endFront(): void {
    this.frontSize = this.size;
  }

  /** The sections from here on are checked one at a time, as they are read (see PREFIX). */
  startChecksPerSection(): void {
    this.perSectionFrom = this.size;
  }

  /** The file, in steps: the copy, then each checksum (a save of 50,000 papers is ~180 MB). */
  *finish(): Generator<void, Uint8Array> {
    const header = this.encoder.encode(JSON.stringify({ sections: this.sections }));
    const headerPadded = padded(header.byteLength); // PREFIX is whole words
    const out = new Uint8Array(PREFIX + headerPadded + this.size);
    out.set(this.encoder.encode(MAGIC), 0);
    const view = new DataView(out.buffer);
    view.setUint32(4, headerPadded, true);
    view.setUint32(8, headerPadded + this.frontSize, true);
    out.set(header, PREFIX);
    let at = PREFIX + headerPadded;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.byteLength;
    }
    yield;
    const end = frontEnd(out)!;
    view.setUint32(12, frontChecksum(out, end), true);
    yield;
    view.setUint32(16, restChecksum(out, end, (PREFIX + headerPadded + (this.perSectionFrom ?? this.size)) >>> 2), true);
    return out;
  }
}

/**
 * A 32-bit checksum of `words[from, to)`, a word at a time in four lanes (so the processor
 * runs four multiplications at once), continuing from `seed`. Each step (xor, then multiply
 * by an odd number) is a bijection, and so is folding the lanes together, so any change to a
 * single word, a single flipped bit included, changes the result.
 */
function checksum(words: Uint32Array, from: number, to: number, seed: number): number {
  let a = 0x811c9dc5 ^ seed ^ (to - from);
  let b = 0x01000193;
  let c = 0x27d4eb2f;
  let d = 0x165667b1;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    a = Math.imul(a ^ words[i]!, 0x9e3779b1);
    b = Math.imul(b ^ words[i + 1]!, 0x9e3779b1);
    c = Math.imul(c ^ words[i + 2]!, 0x9e3779b1);
    d = Math.imul(d ^ words[i + 3]!, 0x9e3779b1);
  }
  for (; i < to; i++) a = Math.imul(a ^ words[i]!, 0x9e3779b1);
  let h = Math.imul(a ^ b, 0x85ebca6b);
  h = Math.imul(h ^ c, 0x85ebca6b);
  h = Math.imul(h ^ d, 0x85ebca6b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The words of a whole saved index (its length a multiple of 4, on a 4-byte boundary). */
function wordsOf(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
}

/** Where the front ends, in words; undefined when the prefix says it ends outside the file. */
function frontEnd(bytes: Uint8Array): number | undefined {
  const frontLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const end = PREFIX + frontLength;
  return frontLength % 4 === 0 && end <= bytes.byteLength ? end >>> 2 : undefined;
}

/** The front's checksum (the prefix's two lengths included) and the rest's. */
function frontChecksum(bytes: Uint8Array, end: number): number {
  const words = wordsOf(bytes);
  return checksum(words, PREFIX >>> 2, end, checksum(words, 1, 3, 0));
}

/** The rest's checksum: from the front's end to where the sections checked one at a time begin, in words. */
function restChecksum(bytes: Uint8Array, end: number, restEnd: number): number {
  return checksum(wordsOf(bytes), end, restEnd, 0);
}

export class SnapshotError extends Error {}

/**
 * How the editor's paper summaries are stored in the saved index, in the form the editor
 * decodes itself (`v8.serialize` where both sides are Node): at a warm start the engine
 * sends these bytes as they are, instead of building and cloning a summary of every paper.
 * `id` names the exact encoding: bytes stored under another id are not used (the summaries
 * are then sent as objects, as after a change).
 */
export interface SummaryCodec {
  id: string;
  encode(summaries: Paper[]): Uint8Array;
  /** A piece's keys, read at once; its summaries in parts, each decoded when first asked for. */
  open(bytes: Uint8Array): OpenedSummaries;
}

export interface OpenedSummaries {
  /** Each summary's key, in order. */
  keys: string[];
  /** The place in the piece and the extra keys (Paper.extraKeys) of each summary that has any. */
  extraKeys: Array<[number, string[]]>;
  parts: EncodedPapers[];
}

/** Summaries in a part of a piece: the editor decodes one when a paper in it is asked for, in well under a millisecond. */
export const SUMMARIES_PER_PART = 10;

/** How a list of summaries is encoded and decoded (a part of a piece). */
export interface SummaryListCodec {
  encode(summaries: Paper[]): Uint8Array;
  decode(bytes: Uint8Array): Paper[];
}

/**
 * A SummaryCodec whose pieces hold their keys apart from the summaries: a piece is the
 * length of a JSON header (4 bytes), the header (the keys, the extra keys, where each part
 * ends), then the parts, each `SUMMARIES_PER_PART` summaries in `list`'s encoding. The
 * editor learns a warm start's keys as the pieces arrive and answers before it has decoded
 * them all (a part is decoded from a view of the piece, without a copy).
 */
export function summaryCodecInParts(id: string, list: SummaryListCodec): SummaryCodec {
  return {
    // A saved index made with parts of another size is not read as this one.
    id: `${id}:parts-of-${SUMMARIES_PER_PART}`,
    encode: (summaries) => {
      const parts: Uint8Array[] = [];
      for (let start = 0; start < summaries.length; start += SUMMARIES_PER_PART) parts.push(list.encode(summaries.slice(start, start + SUMMARIES_PER_PART)));
      let end = 0;
      const header: PiecesHeader = {
        keys: summaries.map((s) => s.key),
        extraKeys: summaries.flatMap((s, place): Array<[number, string[]]> => (s.extraKeys?.length ? [[place, s.extraKeys]] : [])),
        ends: parts.map((part) => (end += part.byteLength)),
      };
      const headerBytes = new TextEncoder().encode(JSON.stringify(header));
      const bytes = new Uint8Array(4 + headerBytes.byteLength + end);
      new DataView(bytes.buffer).setUint32(0, headerBytes.byteLength, true);
      bytes.set(headerBytes, 4);
      let at = 4 + headerBytes.byteLength;
      for (const part of parts) {
        bytes.set(part, at);
        at += part.byteLength;
      }
      return bytes;
    },
    open: (bytes) => {
      const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as PiecesHeader;
      const body = 4 + headerLength;
      if (header.ends.length !== Math.ceil(header.keys.length / SUMMARIES_PER_PART) || body + (header.ends[header.ends.length - 1] ?? 0) !== bytes.byteLength) {
        throw new Error('a piece of summaries does not match its header');
      }
      const parts = header.ends.map((end, i): EncodedPapers => {
        const from = body + (i ? header.ends[i - 1]! : 0);
        return { size: Math.min(SUMMARIES_PER_PART, header.keys.length - i * SUMMARIES_PER_PART), decode: () => list.decode(bytes.subarray(from, body + end)) };
      });
      return { keys: header.keys, extraKeys: header.extraKeys, parts };
    },
  };
}

interface PiecesHeader {
  keys: string[];
  extraKeys: Array<[number, string[]]>;
  /** Where each part ends, from the header's end. */
  ends: number[];
}

/** The saved index's layout; another number is another version's index (rebuilt, not read). */
const FILE_FORMAT = 8;

/** `encodedSummaries`: the summaries' pieces as `summaries` encoded them already (sent to the editor), not encoded again. */
export function encodeSnapshot(snapshot: LibrarySnapshot, summaries?: SummaryCodec, encodedSummaries?: readonly Uint8Array[]): Uint8Array {
  const steps = encodeSnapshotInSteps(snapshot, summaries, encodedSummaries);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `encodeSnapshot` a section at a time (a few milliseconds to a few tens each), for the
 * engine to answer requests between them: encoding 50,000 papers at once held it 1-3 s,
 * during which a search, a completion or the tree waited.
 */
export function* encodeSnapshotInSteps(snapshot: LibrarySnapshot, summaries?: SummaryCodec, encodedSummaries?: readonly Uint8Array[]): Generator<void, Uint8Array> {
  const w = new Writer();
  const paths = new Map<string, number>();
  w.json('meta', { format: FILE_FORMAT, count: snapshot.papers.length, problems: snapshot.problems, summaryCodec: summaries?.id ?? null } satisfies Meta);
  if (summaries) {
    for (let start = 0; start < snapshot.papers.length; start += SUMMARIES_PER_PIECE) {
      const piece = encodedSummaries?.[start / SUMMARIES_PER_PIECE] ?? summaries.encode(snapshot.papers.slice(start, start + SUMMARIES_PER_PIECE).map(paperSummary));
      w.add(`summaries:${start}`, 'bytes', piece);
      yield;
    }
  }
  w.endFront();
  // Packed first (they name the paths), stored last (see PREFIX).
  const packed: PackedPaper[][] = [];
  for (let start = 0; start < snapshot.papers.length; start += PAPER_CHUNK) {
    packed.push(snapshot.papers.slice(start, start + PAPER_CHUNK).map((p) => packPaper(p, paths)));
    w.json(`derived:${start}`, snapshot.derived.slice(start, start + PAPER_CHUNK).map(packDerived));
    yield;
  }
  w.json('paths', [...paths.keys()]);
  for (const name of TEXT_FIELDS) {
    const t = snapshot.index.fields[name];
    w.json(`${name}:terms`, t.terms);
    w.array(`${name}:ends`, 'u32', t.ends);
    w.array(`${name}:postings`, 'u32', t.postings);
    w.array(`${name}:lengths`, 'u16', t.lengths);
    w.array(`${name}:alive`, 'u8', t.alive);
    yield;
  }
  w.strings('slotIds', snapshot.index.slotIds);
  w.strings('names', snapshot.index.names);
  if (snapshot.index.keys) w.strings('slotKeys', snapshot.index.keys);
  if (snapshot.index.foldedNames) w.strings('foldedNames', snapshot.index.foldedNames);
  if (snapshot.index.keyOrder) w.array('keyOrder', 'u32', snapshot.index.keyOrder);
  if (snapshot.index.paperSlots) w.array('paperSlots', 'u32', snapshot.index.paperSlots);
  yield;
  w.startChecksPerSection();
  for (const [i, papers] of packed.entries()) {
    const start = i * PAPER_CHUNK;
    w.json(`papers:${start}`, papers);
    w.strings(`abstracts:${start}`, snapshot.papers.slice(start, start + PAPER_CHUNK).map((p) => p.abstract));
    yield;
  }
  return yield* w.finish();
}

interface Meta {
  format: number;
  count: number;
  problems: Problem[];
  /** The `SummaryCodec` id of the `summaries:` sections; null without them. */
  summaryCodec: string | null;
}

/** A saved index opened, its front checked: what can be had before the rest is read through. */
export interface OpenedSnapshot {
  count: number;
  /** The saved library's problems (as decoded). */
  problems: Problem[];
  /**
   * The editor's summaries of every paper, in library order, `SUMMARIES_PER_PIECE` a piece,
   * encoded by the codec asked for; undefined when the index holds them in no such form.
   */
  summaries: Uint8Array[] | undefined;
  /**
   * The library (most of a warm start's work). Checks the rest of the file first (a
   * SnapshotError if it changed): only the front was checked when it opened.
   */
  decode(): LibrarySnapshot;
}

/** The library from a saved index (`openSnapshot`, then decoded). */
export function decodeSnapshot(input: Uint8Array): LibrarySnapshot | undefined {
  return openSnapshot(input)?.decode();
}

/**
 * A saved index, checked. Undefined for an index of another format (a newer or older
 * version wrote it); a SnapshotError for one whose bytes changed since it was written (a
 * cut file, a flipped bit): the caller rebuilds and says why.
 */
export function openSnapshot(input: Uint8Array, summaryCodec?: string): OpenedSnapshot | undefined {
  // Typed-array views need 4-byte alignment of the whole buffer.
  const bytes = input.byteOffset % 4 === 0 ? input : aligned(input);
  const decoder = new TextDecoder();
  if (bytes.byteLength < 4 || decoder.decode(bytes.subarray(0, 4)) !== MAGIC) return undefined;
  // Written in whole words: anything else was cut (zero padding would hide a cut of trailing zero bytes).
  if (bytes.byteLength < PREFIX || bytes.byteLength % 4 !== 0) throw new SnapshotError('the saved index does not match its length (the file was cut)');
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const end = frontEnd(bytes);
  const changed = () => new SnapshotError('the saved index does not match its checksum (the file was cut or changed)');
  if (end === undefined || frontChecksum(bytes, end) !== view.getUint32(12, true)) throw changed();
  const headerLength = view.getUint32(4, true);
  const { sections } = JSON.parse(decoder.decode(bytes.subarray(PREFIX, PREFIX + headerLength)).trimEnd().replace(/\0+$/, '')) as { sections: Section[] };
  const base = bytes.byteOffset + PREFIX + headerLength;
  const last = sections[sections.length - 1];
  // The sections checked one at a time cover the file's end: a cut is told by its length.
  if (last && PREFIX + headerLength + last.offset + padded(last.length) !== bytes.byteLength) throw new SnapshotError('the saved index does not match its length (the file was cut)');
  const firstCheckedAlone = sections.find((s) => s.sum !== undefined);
  const restEnd = firstCheckedAlone ? (PREFIX + headerLength + firstCheckedAlone.offset) >>> 2 : bytes.byteLength >>> 2;
  const byName = new Map(sections.map((s) => [s.name, s]));
  const checkedAlone = new Set<string>();
  const section = (name: string) => {
    const s = byName.get(name);
    if (!s) throw new Error(`saved index has no section ${name}`);
    if (s.sum !== undefined && !checkedAlone.has(name)) {
      const from = (PREFIX + headerLength + s.offset) >>> 2;
      if (checksum(wordsOf(bytes), from, from + (padded(s.length) >>> 2), 0) !== s.sum) throw changed();
      checkedAlone.add(name);
    }
    return new Uint8Array(bytes.buffer, base + s.offset, s.length);
  };
  const json = <T>(name: string): T => JSON.parse(decoder.decode(section(name))) as T;
  const text = (name: string) => decoder.decode(section(name));
  const u32 = (name: string) => new Uint32Array(bytes.buffer, base + byName.get(name)!.offset, section(name).length / 4);
  const u16 = (name: string) => new Uint16Array(bytes.buffer, base + byName.get(name)!.offset, section(name).length / 2);
  const u8 = (name: string) => section(name);
  const strings = (name: string) => {
    const joined = text(name);
    const ends = u32(`${name}:ends`);
    const values = new Array<string>(ends.length);
    let from = 0;
    for (let i = 0; i < ends.length; i++) {
      values[i] = joined.slice(from, ends[i]);
      from = ends[i]!;
    }
    return values;
  };

  const meta = json<Meta>('meta');
  if (meta.format !== FILE_FORMAT) return undefined;
  let summaries: Uint8Array[] | undefined;
  if (summaryCodec && meta.summaryCodec === summaryCodec) {
    summaries = [];
    for (let start = 0; start < meta.count; start += SUMMARIES_PER_PIECE) summaries.push(section(`summaries:${start}`));
  }
  let paths: string[] | undefined;
  const pathList = () => (paths ??= json<string[]>('paths'));
  /** The papers by chunk, each decoded when first read (by a search before the restore has them all, or by `papers`). */
  const chunks: Paper[][] = [];
  const chunkOf = (at: number): Paper[] => {
    const index = Math.floor(at / PAPER_CHUNK);
    let chunk = chunks[index];
    if (!chunk) {
      const start = index * PAPER_CHUNK;
      const known = pathList();
      chunk = json<PackedPaper[]>(`papers:${start}`).map((packed) => unpackPaper(packed, known));
      const abstracts = strings(`abstracts:${start}`);
      chunk.forEach((paper, i) => {
        paper.abstract = abstracts[i]!;
      });
      chunks[index] = chunk;
    }
    return chunk;
  };
  const decodePapers = (): Paper[] => {
    const papers: Paper[] = [];
    for (let start = 0; start < meta.count; start += PAPER_CHUNK) papers.push(...chunkOf(start));
    return papers;
  };
  const decodeDerived = (): Derived[] => {
    const derived: Derived[] = [];
    for (let start = 0; start < meta.count; start += PAPER_CHUNK) {
      for (const packed of json<PackedDerived[]>(`derived:${start}`)) derived.push(unpackDerived(packed));
    }
    return derived;
  };
  const decode = (): LibrarySnapshot => {
    if (restChecksum(bytes, end, restEnd) !== view.getUint32(16, true)) throw changed();
    const termIndex = (name: string): SerializedTermIndex => ({
      terms: json<string[]>(`${name}:terms`),
      ends: u32(`${name}:ends`),
      postings: u32(`${name}:postings`),
      lengths: u16(`${name}:lengths`),
      alive: u8(`${name}:alive`),
    });
    const fields = {} as SerializedSearchIndex['fields'];
    for (const name of TEXT_FIELDS) {
      fields[name] = termIndex(name);
    }
    const index: SerializedSearchIndex = {
      fields,
      slotIds: strings('slotIds'),
      names: strings('names'),
      keyOrder: byName.has('keyOrder') ? u32('keyOrder') : undefined,
      paperSlots: byName.has('paperSlots') ? u32('paperSlots') : undefined,
      keys: byName.has('slotKeys') ? strings('slotKeys') : undefined,
      foldedNames: byName.has('foldedNames') ? strings('foldedNames') : undefined,
    };
    // The search index comes first; the papers (most of the file) and what was derived from
    // them are decoded when first read: a restore builds the names index before them, while
    // the heap is small, and a warm start reads the derived names only when a digest changes.
    let papers: Paper[] | undefined;
    let derived: Derived[] | undefined;
    return {
      format: 3,
      problems: meta.problems,
      index,
      get papers() {
        return (papers ??= decodePapers());
      },
      lazyPapers: {
        count: meta.count,
        at: (place) => chunkOf(place)[place % PAPER_CHUNK]!,
        paths: pathList,
      },
      get derived() {
        return (derived ??= decodeDerived());
      },
    };
  };
  return { count: meta.count, problems: meta.problems, summaries, decode };
}

/** A copy on a 4-byte boundary. */
function aligned(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.byteLength);
  out.set(input);
  return out;
}

/**
 * A paper as an array in a fixed order, empty fields as 0 and paths as numbers: at
 * 50,000 papers, parsing objects with repeated keys was most of a warm start.
 */
type PackedPaper = [
  id: string,
  key: string,
  title: string,
  shortName: string | 0,
  aliases: string[] | 0,
  date: string | 0,
  upvotes: number | null,
  authorCount: number | 0,
  authors: string[] | 0,
  organization: string | 0,
  techniques: string[] | 0,
  links: string[] | 0,
  url: string | 0,
  arxivId: string | 0,
  doi: string | 0,
  sources: number[],
  extraKeys: string[] | 0,
  creators: PersonName[] | 0,
  publication: Publication | 0,
  keywords: string[] | 0,
];

function packPaper(p: Paper, paths: Map<string, number>): PackedPaper {
  const pathId = (path: string) => {
    let id = paths.get(path);
    if (id === undefined) paths.set(path, (id = paths.size));
    return id;
  };
  const list = (items: string[]) => (items.length ? items : 0);
  // Sources flattened: path, line, path, line, …; the first is the paper's own source.
  const sources = p.sources.flatMap((s) => [pathId(s.path), s.line]);
  return [p.id, p.key, p.title, p.shortName ?? 0, list(p.aliases), p.date ?? 0, p.upvotes, p.authorCount ?? 0, list(p.authors), p.organization ?? 0, list(p.techniques), list(p.links), p.url ?? 0, p.arxivId ?? 0, p.doi ?? 0, sources, list(p.extraKeys), p.creators.length ? p.creators : 0, p.publication ?? 0, list(p.keywords)];
}

function unpackPaper(a: PackedPaper, paths: string[]): Paper {
  const sources: Paper['sources'] = [];
  for (let i = 0; i < a[15].length; i += 2) sources.push({ path: paths[a[15][i]!]!, line: a[15][i + 1]! });
  return {
    id: a[0],
    key: a[1],
    extraKeys: a[16] || [],
    title: a[2],
    abstract: '',
    shortName: a[3] || null,
    aliases: a[4] || [],
    date: a[5] || null,
    upvotes: a[6],
    authorCount: a[7] || null,
    authors: a[8] || [],
    creators: a[17] || [],
    publication: a[18] || null,
    organization: a[9] || null,
    keywords: a[19] || [],
    techniques: a[10] || [],
    links: a[11] || [],
    url: a[12] || null,
    arxivId: a[13] || null,
    doi: a[14] || null,
    source: sources[0] ?? { path: '', line: 0 },
    sources,
  };
}

type PackedDerived = [shortName: string | 0, aliases: string[] | 0, techniques: string[] | 0];

function packDerived(d: Derived): PackedDerived {
  return [d.names.shortName ?? 0, d.names.aliases.length ? d.names.aliases : 0, d.techniques.length ? d.techniques : 0];
}

function unpackDerived(a: PackedDerived): Derived {
  return { names: { shortName: a[0] || null, aliases: a[1] || [] }, techniques: a[2] || [] };
}
