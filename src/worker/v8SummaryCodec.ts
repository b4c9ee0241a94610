import type { Paper } from '../core/model';
import { SummaryCodec, summaryCodecInParts } from '../core/snapshotCodec';

/** A character V8 cannot keep one byte a character. */
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;

/** What one encoded part holds: the summaries without their abstracts, and the abstracts joined. */
interface EncodedPart {
  papers: Paper[];
  /** The abstracts in Latin-1, one after another, and those with any other character (two bytes a character). */
  narrow: string;
  wide: string;
  /** Per paper: its abstract's start and end in its string. */
  spans: Uint32Array;
  /** Per paper: 1 when its abstract is in `wide`, 2 when it has none (left as it was). */
  inWide: Uint8Array;
}

/**
 * Summaries as V8's serialization, the bytes `postMessage` itself would make: the engine
 * (a Node worker) stores them in the saved index and the editor (the Node extension host,
 * the same V8) decodes them, so a warm start sends 50,000 summaries without building or
 * cloning them. The id names the V8 version and this layout: bytes from another are not read.
 *
 * A piece holds its keys apart and its summaries in parts (`summaryCodecInParts`): the editor
 * decodes a part when it is asked for one of its papers, or when something needs them all.
 *
 * The abstracts, three quarters of the bytes, travel joined in one string a part: decoded,
 * that string is one object and each paper's abstract a slice of it. Decoded one by one,
 * they were a string a paper for the editor's young-generation collections to copy while
 * it took a warm start's summaries (in Node, joined halved the collection work at 50,000).
 */
export function v8SummaryCodec(): SummaryCodec {
  // Required here, not imported: the web build has no node:v8 (esbuild.js keeps it external).
  const v8 = require('node:v8') as typeof import('node:v8');
  return summaryCodecInParts(`v8:${process.versions.v8}:abstracts-joined:in-parts`, {
    encode: (summaries) => {
      // Copies, their strings one byte a character where they can be (see OneByteCopies): V8 keeps
      // a string two bytes a character when it was cut from one that is (a BibTeX entry with a
      // curly quote, say), and writes it so (a third more to store, 20 MB more of the editor's
      // heap at 50,000). What is one object is written once and decoded as one (V8 writes a
      // reference to an object it wrote already): a paper's source, which is its first source,
      // and one empty list for every empty list of the part (most papers have no aliases, links,
      // extra keys…). The editor decodes a third fewer objects at 50,000 papers, 25% faster, and
      // keeps 17 MB less; it only reads summaries.
      const none: never[] = [];
      const copies = new OneByteCopies();
      const narrow: string[] = [];
      const wide: string[] = [];
      const ends = { narrow: 0, wide: 0 };
      const spans = new Uint32Array(summaries.length * 2);
      const inWide = new Uint8Array(summaries.length);
      // Filled by push, as every list here: V8 writes a list made at its length ("holey", as `map`
      // makes one in some tiers of its compiler) with an index for each item.
      const plain: Paper[] = [];
      summaries.forEach((summary, i) => {
        const copy: Record<string, unknown> = {};
        // for…in, not Object.entries: no pair of field and value made for each field of 50,000 summaries.
        for (const field in summary) {
          const value = (summary as unknown as Record<string, unknown>)[field];
          if (value === undefined) continue; // as JSON leaves it out
          // The abstract travels in its part's pool (below).
          if (field === 'abstract' && typeof value === 'string') copy[field] = '';
          else copy[field] = Array.isArray(value) && value.length === 0 ? none : copies.copy(value, copy, field);
        }
        const paper = copy as unknown as Paper;
        const first = paper.sources?.[0];
        if (first && first.path === paper.source?.path && first.line === paper.source.line) paper.source = first;
        plain.push(paper);
        const abstract = summary.abstract;
        if (typeof abstract !== 'string') return void (inWide[i] = 2);
        const pool = BEYOND_LATIN1.test(abstract) ? 'wide' : 'narrow';
        (pool === 'wide' ? wide : narrow).push(abstract);
        inWide[i] = pool === 'wide' ? 1 : 0;
        spans[2 * i] = ends[pool];
        spans[2 * i + 1] = ends[pool] += abstract.length;
      });
      copies.narrow();
      const part: EncodedPart = { papers: plain, narrow: oneByte(narrow.join('')), wide: wide.join(''), spans, inWide };
      const buffer = v8.serialize(part);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    },
    decode: (bytes) => {
      const { papers, narrow, wide, spans, inWide } = v8.deserialize(bytes) as EncodedPart;
      for (let i = 0; i < papers.length; i++) if (inWide[i] !== 2) papers[i]!.abstract = (inWide[i] ? wide : narrow).slice(spans[2 * i]!, spans[2 * i + 1]!);
      return papers;
    },
  });
}

/**
 * Plain copies of summaries (data as JSON has it: strings, numbers, lists, records), whose
 * strings of Latin-1 characters are made one byte a character all at once (`narrow`): they
 * are joined, copied through Latin-1 bytes, and cut again. Through JSON, as before, took
 * twice as long: 0.35-0.4 s of a cold start at 50,000 papers.
 */
class OneByteCopies {
  private readonly strings: string[] = [];
  /** Where each of `strings` goes: the record or list, and its field or index. */
  private readonly places: Array<[Record<string | number, unknown>, string | number]> = [];

  copy(value: unknown, holder: Record<string | number, unknown>, field: string | number): unknown {
    if (typeof value === 'string') {
      if (value.length && !BEYOND_LATIN1.test(value)) {
        this.strings.push(value);
        this.places.push([holder, field]);
      }
      return value;
    }
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      const list: unknown[] = []; // filled by push (see encode)
      for (let i = 0; i < value.length; i++) list.push(this.copy(value[i], list as unknown as Record<number, unknown>, i));
      return list;
    }
    const record: Record<string, unknown> = {};
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) record[key] = this.copy(item, record, key);
    }
    return record;
  }

  /** Puts the one-byte strings in place of those copied. */
  narrow(): void {
    const joined = oneByte(this.strings.join(''));
    let at = 0;
    this.strings.forEach((text, i) => {
      const [holder, field] = this.places[i]!;
      holder[field] = joined.slice(at, (at += text.length));
    });
  }
}

/** The same Latin-1 text, one byte a character (Node's Latin-1 decoder makes it so). */
function oneByte(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('latin1');
}
