import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { DigestBytes, EngineSettings, HitSummary, KeyFileRequest, KeyFileText, LibraryBegin, LibraryChunk, LibraryEnd, LibraryReceiver, LoadRequest, PAPERS_PER_MESSAGE, PlacedTree, ReceivedLibrary } from '../../src/core/engineProtocol';
import { ListedDigest } from '../../src/core/libraryLoader';
import { serveLibraryEngine } from '../../src/core/libraryEngine';
import { Paper } from '../../src/core/model';
import { NoteScan } from '../../src/core/noteScanner';
import { ConnectionClosed, MessagePortLike, RpcEndpoint, Transfer, memoryPorts } from '../../src/core/rpc';
import { Library, LibraryBuilder } from '../../src/core/library';
import { PaperCatalog, PaperShelf } from '../../src/core/paperCatalog';
import { defaultTaxonomy } from '../../src/core/techniques';
import { SHARED_DERIVE_MIN, serveDeriveHelper } from '../../src/core/deriveHelpers';
import { QuietTasks, inSlices } from '../../src/core/quietTasks';
import { SUMMARIES_PER_PART, SummaryCodec, encodeSnapshot, encodeSnapshotInSteps, summaryCodecInParts } from '../../src/core/snapshotCodec';
import { v8SummaryCodec } from '../../src/worker/v8SummaryCodec';
import { parseDigest } from '../../src/core/digest';
import { paperMeta, paperSummary } from '../../src/core/paperCard';
import { CompletionEntry } from '../../src/core/completionMatch';
import { ROOT, SEED_PATH, corpusPath, hasCorpus, hfDigest, readSeed } from './fixtures';

/**
 * The library engine as the editor drives it, over a port: here the editor's side is a
 * few maps (digests, key file, saved index), the engine's side the real engine, either
 * in this thread over in-memory ports or in a real worker thread (dist/worker.js).
 */

const encoder = new TextEncoder();

/** Content stands in for the editor's size and modification time. */
function hashOf(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}

/** A digest's version as the editor tells it (size and a hash, standing for size and modification time). */
function versionOf(file: string | Error | undefined): string {
  return typeof file === 'string' ? `${file.length}:${hashOf(file)}` : 'unreadable';
}

/** A library the editor took, with its papers once all decoded. */
type LibraryInTest = Omit<ReceivedLibrary, 'papers'> & { papers: readonly Paper[]; shelf: PaperShelf };

class EditorDouble {
  readonly digests = new Map<string, string | Error>();
  keyText: string | undefined;
  readonly saved = new Map<string, Uint8Array>();
  /** How often the engine asked this side for the saved index's bytes. */
  snapshotRequests = 0;
  /** Digests also on disk, by path: an engine that reads the disk is given the file instead of bytes. */
  readonly onDisk = new Map<string, string>();
  /** How many digest reads this side answered with bytes or a problem. */
  bytesSent = 0;
  /** Where the key file is on disk, for an engine that reads it itself (`onDisk`); else its text is `keyText`, read and written here. */
  keyFileOnDisk: string | undefined;
  /** How many times the engine sent the key file's text to be written here. */
  keyTextsSent = 0;
  /** Called when the engine asks to write the key file, which is written once `keyWriteGate` resolves (an editor slow to write it). */
  keyWriteAsked: (() => void) | undefined;
  keyWriteGate: Promise<void> | undefined;
  /** Called when the engine asks for a digest's version (before it answers). */
  versionAsked: ((path: string) => void) | undefined;
  readonly logs: string[] = [];
  /** What the engine asked of this side that a load may be sent with (`digests.list`, `keys.read`), in order. */
  readonly asked: string[] = [];
  readonly libraries: LibraryInTest[] = [];
  readonly begins: LibraryBegin[] = [];
  /** Encoded parts of summaries decoded so far, and how many had been when each library ended. */
  partsDecoded = 0;
  readonly decodedWhenEnded: number[] = [];
  private readonly receiver: LibraryReceiver;
  readonly rpc: RpcEndpoint;

  constructor(port: MessagePortLike, codec?: SummaryCodec) {
    this.receiver = new LibraryReceiver(
      codec &&
        ((bytes) => {
          const opened = codec.open(bytes);
          const parts = opened.parts.map((part) => ({
            size: part.size,
            decode: () => {
              this.partsDecoded++;
              return part.decode();
            },
          }));
          return { ...opened, parts };
        }),
    );
    this.rpc = new RpcEndpoint(port);
    this.rpc.handle('digests.list', () => {
      this.asked.push('digests.list');
      return this.listing();
    });
    this.rpc.handle<{ path: string }>('digests.version', ({ path }) => {
      this.versionAsked?.(path);
      return versionOf(this.digests.get(path));
    });
    this.rpc.handle<{ path: string; onDisk?: boolean }>('digests.read', ({ path, onDisk }): DigestBytes | Transfer<DigestBytes> => {
      const file = this.digests.get(path);
      const onDiskAt = this.onDisk.get(path);
      if (onDisk && onDiskAt && typeof file === 'string') return { file: onDiskAt, version: `${file.length}:${hashOf(file)}` };
      this.bytesSent++;
      if (file === undefined || file instanceof Error) return { problem: { path, line: 0, severity: 'error', message: `Cannot read digest ${path}` }, version: `unreadable:${Math.random()}` };
      const bytes = encoder.encode(file);
      return new Transfer({ bytes, version: `${file.length}:${hashOf(file)}` }, [bytes.buffer as ArrayBuffer]);
    });
    this.rpc.handle<KeyFileRequest>('keys.read', ({ onDisk }): KeyFileText => {
      this.asked.push('keys.read');
      return onDisk && this.keyFileOnDisk ? { path: '/w/.paper-digest/keys.tsv', file: this.keyFileOnDisk, mayCreate: true } : this.keyFile();
    });
    this.rpc.handle<{ text: string }>('keys.write', async ({ text }) => {
      this.keyWriteAsked?.();
      this.keyTextsSent++;
      await this.keyWriteGate;
      this.keyText = text;
      return undefined;
    });
    this.rpc.handle<{ key: string }>('snapshot.read', ({ key }) => {
      this.snapshotRequests++;
      return this.saved.get(key)?.slice() ?? null;
    });
    this.rpc.handle<{ key: string; bytes: Uint8Array }>('snapshot.write', ({ key, bytes }) => {
      this.snapshotRequests++;
      this.saved.clear();
      this.saved.set(key, bytes);
    });
    this.rpc.handle<{ key: string }>('snapshot.delete', ({ key }) => this.saved.delete(key));
    this.rpc.on<{ level: string; message: string }>('log', ({ level, message }) => this.logs.push(`${level}: ${message}`));
    this.rpc.on<LibraryBegin>('library.begin', (begin) => {
      this.begins.push(begin);
      this.receiver.begin(begin);
    });
    this.rpc.on<LibraryChunk>('library.papers', (chunk) => this.receiver.chunk(chunk));
    this.rpc.on<LibraryEnd>('library.end', (end) => {
      this.decodedWhenEnded.push(this.partsDecoded);
      this.assembled = this.receiver.end(end).then(async (library) => {
        // As the editor's tree does when shown, this has every paper decoded (search and hover do not).
        await library!.papers.decodeAll();
        this.libraries.push({ ...library!, papers: library!.papers.all(), shelf: library!.papers });
        this.rpc.notify('library.taken', undefined); // as the editor says once it holds the library
      });
    });
  }

  /** The digests with their versions, as `digests.list` answers. */
  listing(): ListedDigest[] {
    return [...this.digests.entries()].map(([path, file]) => ({ path, version: versionOf(file) }));
  }

  /** The key file, as `keys.read` answers. */
  keyFile(): KeyFileText {
    return { path: '/w/.paper-digest/keys.tsv', text: this.keyText, mayCreate: true };
  }

  /** The last library sent so far, once assembled. */
  private assembled: Promise<void> = Promise.resolve();

  /** A request to the engine, answered once every library sent before the answer is assembled (as the editor waits). */
  async request<T>(method: string, params?: unknown): Promise<T> {
    const answer = await this.rpc.request<T>(method, params);
    await this.assembled;
    return answer;
  }

  get latest() {
    return this.libraries[this.libraries.length - 1]!;
  }

  start(settings: Partial<EngineSettings> = {}) {
    return this.rpc.request('start', { version: 'test', techniques: [], saveDelayMs: 0, ...settings } satisfies EngineSettings);
  }
}

/** The engine here, over in-memory ports; with a codec, both sides store and take summaries encoded by it. */
function inThisThread(codec?: SummaryCodec): EditorDouble {
  const [editorPort, enginePort] = memoryPorts();
  serveLibraryEngine(new RpcEndpoint(enginePort), { summaryCodec: codec });
  return new EditorDouble(editorPort, codec);
}

/** The next session in the same workspace: the same digests, the key file and saved index the last one left. */
function nextSession(previous: EditorDouble, codec?: SummaryCodec): EditorDouble {
  const next = inThisThread(codec);
  for (const [path, text] of previous.digests) next.digests.set(path, text);
  next.keyText = previous.keyText;
  for (const [key, bytes] of previous.saved) next.saved.set(key, bytes);
  return next;
}

/** A saved index with one bit flipped inside the named section, `at` bytes into it. */
function flippedIn(bytes: Uint8Array, name: string, at = 7): Uint8Array {
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + headerLength)).replace(/\0+$/, '').trimEnd()) as { sections: Array<{ name: string; offset: number }> };
  const section = header.sections.find((s) => s.name === name);
  assert.ok(section, `the saved index has a section ${name}`);
  const bad = bytes.slice();
  bad[20 + headerLength + section.offset + at]! ^= 0x04;
  return bad;
}

/** Summaries as JSON bytes, in parts: a codec any runtime has (the Node worker uses V8's serialization). `encoded` and `decoded` count parts. */
function jsonCodec(id = 'json-test'): SummaryCodec & { encoded: number; decoded: number } {
  const counted = {
    encoded: 0,
    decoded: 0,
    ...summaryCodecInParts(id, {
      encode: (summaries: Paper[]) => {
        counted.encoded++;
        return encoder.encode(JSON.stringify(summaries));
      },
      decode: (bytes: Uint8Array) => {
        counted.decoded++;
        return JSON.parse(new TextDecoder().decode(bytes)) as Paper[];
      },
    }),
  };
  return counted;
}

describe('work that can wait', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs only once the editor stops asking, one task at a time, and goes on after one that fails', async () => {
    const ran: string[] = [];
    const errors: unknown[] = [];
    const quiet = new QuietTasks(150, (error) => errors.push(error));
    quiet.add(() => {
      ran.push('first');
      throw new Error('broken');
    });
    quiet.add(() => ran.push('second'));
    for (let i = 0; i < 30; i++) {
      quiet.touch(); // a request every 10 ms: someone is typing
      await sleep(10);
    }
    assert.equal(ran.length, 0, 'nothing while requests keep coming');
    await sleep(220);
    assert.deepEqual(ran, ['first'], 'the first task after a pause');
    await sleep(220);
    assert.deepEqual(ran, ['first', 'second'], 'the next after another pause, the failure notwithstanding');
    assert.equal(errors.length, 1);
    quiet.add(() => ran.push('never'));
    quiet.dispose();
    await sleep(220);
    assert.equal(ran.length, 2, 'nothing after dispose');
  });
});

describe('work in slices, between requests', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('goes on at once while the editor asks nothing, and waits for a quiet spell when it asks', async () => {
    const quiet = new QuietTasks(60);
    const order: string[] = [];
    const timer = sleep(30).then(() => order.push('30 ms later'));
    await quiet.untilQuiet().then(() => order.push('went on'));
    await timer;
    assert.deepEqual(order, ['went on', '30 ms later'], 'the control: nothing asked, nothing waited for');

    quiet.touch(); // a request came during the slice, and more keep coming: someone typing
    const asking = setInterval(() => quiet.touch(), 10);
    let stoppedAt = 0;
    void sleep(150).then(() => {
      clearInterval(asking);
      stoppedAt = Date.now();
    });
    await quiet.untilQuiet();
    assert.ok(stoppedAt > 0, 'not while the requests kept coming');
    assert.ok(Date.now() - stoppedAt >= 50, `a quiet spell after the last (${Date.now() - stoppedAt} ms)`);
    quiet.dispose();
  });
});

describe('work that can wait, held while the editor takes a library', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs nothing while held, however long, and runs once touched again', async () => {
    const ran: string[] = [];
    const quiet = new QuietTasks(30);
    quiet.add(() => ran.push('before'));
    await sleep(80);
    assert.deepEqual(ran, ['before'], 'a task runs after the quiet time (the control)');
    quiet.hold();
    quiet.add(() => ran.push('held'));
    await sleep(120);
    assert.deepEqual(ran, ['before'], 'not while held');
    quiet.touch();
    await sleep(80);
    assert.deepEqual(ran, ['before', 'held'], 'after the editor said it is done');
    quiet.dispose();
  });
});

describe('long work in slices (the save)', () => {
  /** Steps of about 3 ms each, busy, as encoding a section is. */
  function* busySteps(count: number, done: string[]): Generator<void, string> {
    for (let i = 0; i < count; i++) {
      const until = Date.now() + 3;
      while (Date.now() < until);
      done.push(`step ${i}`);
      yield;
    }
    return 'encoded';
  }

  it('lets a request that came in be answered between slices, and ends with what the steps return', async () => {
    const done: string[] = [];
    setTimeout(() => done.push('answered'), 0); // a request that came in as the work began
    assert.equal(await inSlices(busySteps(20, done)), 'encoded');
    const answered = done.indexOf('answered');
    assert.ok(answered > 0 && answered < 20, `answered between slices, not after all 20 steps (at ${answered})`);

    // The control: the same steps run at once keep the request waiting until they end.
    const atOnce: string[] = [];
    setTimeout(() => atOnce.push('answered'), 0);
    for (const _ of busySteps(20, atOnce));
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(atOnce.indexOf('answered'), 20);
  });

  it('encodes the saved index in steps to the very bytes encoded at once', () => {
    const builder = new LibraryBuilder();
    builder.setDigest('/w/hf.json', parseDigest(hfDigest(300), '/w/hf.json'));
    builder.build();
    const snapshot = builder.toSnapshot();
    const steps = encodeSnapshotInSteps(snapshot);
    let count = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) count++;
    assert.ok(count > 5, `${count} steps`);
    assert.deepEqual(step.value, encodeSnapshot(snapshot));
  });
});

describe('the editor taking encoded summaries', () => {
  const papers = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ key: `p${from + i}`, title: `Paper ${from + i}`, extraKeys: [] as string[] }) as unknown as Paper);
  const keysOf = (list: readonly Paper[]) => list.map((p) => p.key);

  it('decodes them all, when asked, over several turns of its event loop, never all at once, and keeps their order', async () => {
    const codec = jsonCodec();
    let turns = 0;
    const receiver = new LibraryReceiver(
      (bytes) => {
        const opened = codec.open(bytes);
        // Parts that take 2 ms each, as a few dozen summaries might on a slow machine.
        const parts = opened.parts.map((part) => ({ size: part.size, decode: () => {
          const start = Date.now();
          while (Date.now() - start < 2);
          return part.decode();
        } }));
        return { ...opened, parts };
      },
      () => {
        turns++;
        return new Promise((resolve) => setImmediate(resolve));
      },
    );
    receiver.begin({ generation: 1, inOrder: true, changed: 400, problems: [], techniques: [] });
    for (let i = 0; i < 8; i++) receiver.chunk({ generation: 1, encoded: codec.encode(papers(i * 50, 50)) });
    const assembled = receiver.end({ generation: 1 });
    assert.equal(codec.decoded, 0, 'nothing decoded in the turn the messages came in');
    const library = (await assembled)!;
    await library.papers.decodeAll();
    const parts = 8 * Math.ceil(50 / SUMMARIES_PER_PART);
    assert.equal(codec.decoded, parts, 'each part decoded once');
    assert.ok(turns >= 4, `${parts} parts of 2 ms in turns of about 8 ms: ${turns} turns`);
    assert.deepEqual(keysOf(library.papers.all()), keysOf(papers(0, 400)));

    // The next library, an edit sent as objects, builds on this one.
    receiver.begin({ generation: 2, changed: 1, problems: [], techniques: [] });
    receiver.chunk({ generation: 2, papers: [{ ...papers(7, 1)[0]!, title: 'Edited' }] });
    const edited = (await receiver.end({ generation: 2 }))!;
    assert.equal(edited.papers.at(7)!.title, 'Edited');
    assert.equal(edited.papers.at(8), library.papers.at(8));
  });

  it('hands a large library out once its keys are in and decodes a part when a paper in it is asked for; an edit shares the parts it does not change, decoded or not', async () => {
    const codec = jsonCodec();
    const receiver = new LibraryReceiver((bytes) => codec.open(bytes), () => new Promise((resolve) => setImmediate(resolve)));
    receiver.begin({ generation: 1, inOrder: true, changed: 1000, problems: [], techniques: [] });
    const withExtraKey = papers(0, 1000);
    withExtraKey[730] = { ...withExtraKey[730]!, extraKeys: ['an-old-key'] };
    for (let i = 0; i < 4; i++) receiver.chunk({ generation: 1, encoded: codec.encode(withExtraKey.slice(i * 250, (i + 1) * 250)) });
    const library = (await receiver.end({ generation: 1 }))!;
    assert.equal(codec.decoded, 0, 'handed out before any of its parts is decoded');
    assert.equal(library.papers.length, 1000);
    assert.equal(library.placeOf.get('p999'), 999, 'every key placed');
    const catalog = new PaperCatalog(library.papers, [], defaultTaxonomy, library.placeOf);
    assert.equal(library.papers.complete, false);
    assert.equal(catalog.size, 1000);
    assert.equal(catalog.paper('p612')!.title, 'Paper 612', 'a paper asked for is there at once');
    assert.equal(codec.decoded, 1, 'by decoding its part alone');
    assert.equal(catalog.paper('an-old-key')!.key, 'p730', 'a key a paper had before finds it, from the keys sent with the summaries');
    assert.equal(catalog.paper('no-such-key'), undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(codec.decoded, 2, 'nothing else decoded while nothing needs it (the part of p730 was asked for)');

    // An edit: only its paper's part is decoded; the others are shared, still encoded.
    receiver.begin({ generation: 2, changed: 1, problems: [], techniques: [] });
    receiver.chunk({ generation: 2, papers: [{ ...papers(5, 1)[0]!, title: 'Edited' }] });
    const edited = (await receiver.end({ generation: 2 }))!;
    assert.equal(codec.decoded, 3, 'the edited paper\'s part alone');
    assert.equal(edited.papers.at(5)!.title, 'Edited');
    assert.equal(library.papers.at(5)!.title, 'Paper 5', 'the last library is unchanged');
    assert.equal(edited.papers.at(6), library.papers.at(6), 'its part\'s other papers are the same objects');
    assert.equal(edited.papers.at(612), catalog.paper('p612'), 'so are the papers of parts decoded before');
    assert.equal(edited.papers.at(300), library.papers.at(300), 'and of parts decoded after, by either library, once');
    const editedCatalog = new PaperCatalog(edited.papers, [], defaultTaxonomy, edited.placeOf);
    assert.equal(editedCatalog.paper('an-old-key')!.key, 'p730');
    // A technique the tree opens: its papers by place, only their parts decoded (a place not in the library is left out).
    assert.deepEqual((await editedCatalog.papersAt([5, 990, 6, 5000])).map((p) => p.title), ['Edited', 'Paper 990', 'Paper 6']);
    assert.equal(codec.decoded, 5, 'the part of p990 alone decoded for them (those of p5, p612, p730 and p300 were)');
    assert.equal(edited.papers.complete, false);
    await editedCatalog.whenDecoded();
    assert.equal(codec.decoded, 4 * Math.ceil(250 / SUMMARIES_PER_PART), 'each part once, across both libraries');
    assert.deepEqual(keysOf(editedCatalog.papers), keysOf(papers(0, 1000)));

    // Papers added and removed: assembled from the last library's, decoded first.
    receiver.begin({ generation: 3, keys: ['p999', 'new', 'p0'], changed: 1, problems: [], techniques: [] });
    receiver.chunk({ generation: 3, papers: [{ ...papers(0, 1)[0]!, key: 'new' }] });
    const moved = (await receiver.end({ generation: 3 }))!;
    assert.deepEqual(keysOf(moved.papers.all()), ['p999', 'new', 'p0']);
    assert.equal(moved.papers.at(0), edited.papers.at(999));
  });

  it('opens them as they arrive and decodes none before they are asked for, and drops a library a newer one replaced', async () => {
    const codec = jsonCodec();
    const receiver = new LibraryReceiver((bytes) => codec.open(bytes), () => new Promise((resolve) => setImmediate(resolve)));
    receiver.begin({ generation: 1, inOrder: true, changed: 200, problems: [], techniques: [] });
    for (let i = 0; i < 4; i++) receiver.chunk({ generation: 1, encoded: codec.encode(papers(i * 50, 50)) });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(codec.decoded, 0, 'nothing decoded with no end in sight');
    const library = (await receiver.end({ generation: 1 }))!;
    assert.equal(library.placeOf.get('p199'), 199, 'the keys were read');
    await library.papers.decodeAll();
    const parts = 4 * Math.ceil(50 / SUMMARIES_PER_PART);
    assert.equal(codec.decoded, parts, 'every part decoded when asked (the control)');
    assert.deepEqual(keysOf(library.papers.all()), keysOf(papers(0, 200)));

    // A warm start whose index then failed: its parts are dropped once the rebuilt library begins.
    receiver.begin({ generation: 2, inOrder: true, changed: 200, problems: [], techniques: [] });
    for (let i = 0; i < 4; i++) receiver.chunk({ generation: 2, encoded: codec.encode(papers(i * 50, 50)) });
    receiver.begin({ generation: 3, keys: keysOf(papers(100, 3)), changed: 3, problems: [], techniques: [] });
    receiver.chunk({ generation: 3, papers: papers(100, 3) });
    assert.equal(await receiver.end({ generation: 2 }), undefined, 'the replaced library never ends');
    const rebuilt = (await receiver.end({ generation: 3 }))!;
    assert.deepEqual(keysOf(rebuilt.papers.all()), ['p100', 'p101', 'p102'], 'the newer library is assembled (the control)');
    assert.equal(codec.decoded, parts, 'none of the replaced library\'s parts decoded');
  });

  it('rejects encoded summaries it has no codec for, instead of a library missing them', async () => {
    const receiver = new LibraryReceiver();
    receiver.begin({ generation: 1, inOrder: true, changed: 5, problems: [], techniques: [] });
    receiver.chunk({ generation: 1, encoded: jsonCodec().encode(papers(0, 5)) });
    await assert.rejects(receiver.end({ generation: 1 }), /cannot decode/);
  });

  it('says so when a part handed out undecoded cannot be decoded, and finds the other papers', async () => {
    const codec = jsonCodec();
    const receiver = new LibraryReceiver((bytes) => {
      const opened = codec.open(bytes);
      opened.parts[3] = { size: opened.parts[3]!.size, decode: () => { throw new Error('bytes changed'); } };
      return opened;
    }, () => new Promise((resolve) => setImmediate(resolve)));
    receiver.begin({ generation: 1, inOrder: true, changed: 250, problems: [], techniques: [] });
    receiver.chunk({ generation: 1, encoded: codec.encode(papers(0, 250)) });
    const library = (await receiver.end({ generation: 1 }))!;
    const catalog = new PaperCatalog(library.papers, [], defaultTaxonomy, library.placeOf);
    assert.equal(catalog.paper(`p${3 * SUMMARIES_PER_PART + 5}`), undefined, 'a paper of the broken part is not found (rather than the lookup throwing)');
    assert.equal(catalog.paper('p120')!.title, 'Paper 120');
    await assert.rejects(library.papers.decoded, /bytes changed/);
  });
});

/** Every summary of an encoded piece. */
function decodeAll(codec: SummaryCodec, bytes: Uint8Array): Paper[] {
  return codec.open(bytes).parts.flatMap((part) => part.decode());
}

describe('summaries as V8 bytes (the Node worker and extension host)', () => {
  it('gives back the same summaries, strings cut from a digest with a non-Latin-1 character stored a byte a character', () => {
    const codec = v8SummaryCodec();
    const seed = readSeed();
    assert.ok([...seed].some((c) => c.charCodeAt(0) > 255), 'the seed page has a character beyond Latin-1 (the control)');
    // As the parser cuts them: slices of the page's text, which V8 stores two bytes a character.
    const summaries = Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, title: seed.slice(i * 40, i * 40 + 120).replace(/[^\x00-\xff]/g, ' '), aliases: [] }) as unknown as Paper);
    const bytes = codec.encode(summaries);
    assert.deepEqual(decodeAll(codec, bytes), summaries);
    const text = summaries.reduce((n, p) => n + p.title.length + p.key.length, 0);
    assert.ok(bytes.length < text * 1.5, `${bytes.length} bytes for ${text} characters`);
  });

  it('gives back each abstract, whatever its characters, joined in a part as one string', () => {
    const codec = v8SummaryCodec();
    const abstracts = ['Plain Latin-1 text, café.', '', 'Beyond Latin-1: \u03b1-entmax and \u{1F600}.', 'x', 'Another plain one.'];
    const summaries = abstracts.map((abstract, i) => ({ key: `k${i}`, title: `T${i}`, abstract }) as unknown as Paper);
    const bytes = codec.encode(summaries);
    assert.deepEqual(decodeAll(codec, bytes), summaries);
    const joined = Buffer.from(bytes).toString('latin1');
    assert.ok(joined.includes('Plain Latin-1 text, caf\u00e9.xAnother plain one.'), 'the Latin-1 abstracts are one string, in order');
  });

  it('writes the same bytes for the same summaries however V8 holds them (lists made at their length, strings two bytes a character)', () => {
    const codec = v8SummaryCodec();
    const summaries = parseDigest(readSeed(), SEED_PATH).papers.map(paperSummary);
    const plain = JSON.parse(JSON.stringify(summaries)) as Paper[];
    // Lists made at their length are "holey" to V8, which writes such a list with an index for every item.
    const holey = <T>(list: readonly T[]): T[] => {
      const made = new Array<T>(list.length);
      list.forEach((item, i) => (made[i] = item));
      return made;
    };
    const reshaped = holey(summaries.map((p) => ({ ...p, techniques: holey(p.techniques), authors: holey(p.authors), sources: holey(p.sources) })));
    assert.deepEqual(reshaped, summaries);
    const bytes = codec.encode(plain);
    assert.deepEqual(codec.encode(reshaped), bytes, 'the same bytes as for summaries parsed from JSON');
    assert.deepEqual(codec.encode(summaries), bytes);
    // The control: V8 itself writes the holey list longer.
    assert.ok(serialize(reshaped).length > serialize(plain).length);
  });

  it('gives back whole summaries of real papers, a paper\'s source and the empty lists of a part each decoded as one object', () => {
    const codec = v8SummaryCodec();
    const summaries = parseDigest(readSeed(), SEED_PATH).papers.map(paperSummary);
    const opened = codec.open(codec.encode(summaries));
    assert.deepEqual(opened.keys, summaries.map((p) => p.key), 'the keys, without decoding the summaries');
    const decoded = opened.parts.flatMap((part) => part.decode());
    assert.deepEqual(decoded, summaries);
    assert.ok(decoded.every((p) => p.source === p.sources[0]), 'the source is the first source');
    const empties = new Set(decoded.flatMap((p) => [p.aliases, p.extraKeys, p.creators, p.keywords, p.links].filter((list) => list.length === 0)));
    assert.equal(empties.size, opened.parts.length, 'one empty list a part');
    // Control: the summaries as the engine has them hold an empty list of their own each.
    assert.ok(new Set(summaries.map((p) => p.keywords)).size > 1);
  });
});

describe('the library engine behind a port', () => {
  it('loads, sends the papers as summaries in chunks, and answers search, completion and note scans', async () => {
    const editor = inThisThread();
    editor.digests.set('/w/seed.txt', readSeed());
    editor.digests.set('/w/hf.json', hfDigest(1500));
    await editor.start();
    await editor.request('load');
    const library = editor.latest;
    assert.equal(library.papers.length, 1547);
    assert.equal(library.messages, Math.ceil(1547 / PAPERS_PER_MESSAGE), 'one message per chunk of papers');
    const ld = library.papers.find((p) => p.shortName === 'LD-Pruner')!;
    assert.ok(ld.abstract.length > 0 && ld.abstract.length <= 400, 'the editor gets the abstract\'s lead, not all of it');
    const [whole] = await editor.request<Paper[]>('papers', { keys: [ld.key] });
    assert.ok(whole!.abstract.length > ld.abstract.length, 'and the whole paper when it asks');

    const hits = await editor.request<HitSummary[]>('search', { query: 'LD-Pruner', options: { limit: 5 } });
    assert.equal(hits[0]!.key, ld.key);
    const [quantized] = await editor.request<HitSummary[]>('search', { query: 'quantization', options: { limit: 1 } });
    assert.match(quantized!.snippet, /quantiz/i, 'each hit with the part of its abstract that matched');
    const [entry] = await editor.request<CompletionEntry[]>('completions', { prefix: 'ldpr', limit: 10 });
    assert.deepEqual(entry, { key: ld.key, shortName: 'LD-Pruner', title: ld.title, meta: paperMeta(ld) }, 'what the completion item shows, without the summary');
    const scan = await editor.request<NoteScan>('scanNote', { markdown: 'LD-Pruner prunes [@own2020; @nobody].', mentions: {}, ownKeys: ['own2020'] });
    assert.deepEqual(scan.mentions.map((m) => m.key), [ld.key]);
    assert.deepEqual(scan.citations.map((c) => c.key), ['own2020', 'nobody']);
    const silenced = await editor.request<NoteScan>('scanNote', { markdown: 'LD-Pruner prunes.', mentions: { ignoredNames: ['ld-pruner'] }, ownKeys: [] });
    assert.deepEqual(silenced.mentions, [], 'a silenced name is no mention');
  });

  it('starts warm from the index it saved, and rebuilds from a corrupt one, saying why', async () => {
    const first = inThisThread();
    first.digests.set('/w/seed.txt', readSeed());
    await first.start();
    await first.request('load');
    await first.request('saveNow');
    assert.equal(first.saved.size, 1, 'the index is saved');
    assert.ok(first.keyText && first.keyText.includes('ldpruner'), 'and the keys handed out are written');

    const second = nextSession(first);
    await second.start();
    const warm = await second.request<{ fromSavedIndex: boolean; papers: number }>('load');
    assert.equal(warm.fromSavedIndex, true);
    assert.deepEqual(second.latest.papers.map((p) => p.key), first.latest.papers.map((p) => p.key), 'the same keys');

    const third = inThisThread();
    third.digests.set('/w/seed.txt', readSeed());
    third.keyText = first.keyText;
    for (const [key, bytes] of first.saved) third.saved.set(key, flippedIn(bytes, 'abstract:postings'));
    await third.start();
    const cold = await third.request<{ fromSavedIndex: boolean; papers: number }>('load');
    assert.equal(cold.fromSavedIndex, false);
    assert.equal(cold.papers, 47);
    assert.ok(third.logs.some((l) => /^warn: The saved index was discarded/.test(l)), third.logs.join('\n'));
  });

  it('answers a cold load with the library before the editor has written the key file, and saves the index only once it has', async () => {
    const cold = inThisThread();
    cold.digests.set('/w/seed.txt', readSeed());
    let writeAsked!: () => void;
    const asked = new Promise<void>((resolve) => (writeAsked = resolve));
    let writeNow!: () => void;
    cold.keyWriteAsked = writeAsked;
    cold.keyWriteGate = new Promise<void>((resolve) => (writeNow = resolve));
    await cold.start();
    const info = await cold.request<{ papers: number; fromSavedIndex: boolean }>('load');
    assert.equal(info.papers, 47);
    assert.equal(cold.latest.papers.length, 47, 'the library came with the answer');
    await asked;
    assert.equal(cold.keyText, undefined, 'the key file is not written yet');
    const saving = cold.request('saveNow');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(cold.saved.size, 0, 'no index saved while the key file is being written');
    writeNow();
    await saving;
    assert.match(cold.keyText ?? '', /^ldpruner2024\t/m, 'the keys handed out are written');
    assert.equal(cold.saved.size, 1, 'the index is saved once the key file is written (the control)');
    const warm = nextSession(cold);
    await warm.start();
    assert.equal((await warm.request<{ fromSavedIndex: boolean }>('load')).fromSavedIndex, true, 'the saved index names the key file as it was written');
  });

  it('at a warm start answers search as soon as the load answers, and completion, note scans and whole papers as the cold start did', async () => {
    const cold = inThisThread();
    cold.digests.set('/w/seed.txt', readSeed());
    cold.digests.set('/w/hf.json', hfDigest(1500));
    await cold.start();
    await cold.request('load');
    await cold.request('saveNow');
    const asks = async (editor: EditorDouble) =>
      Promise.all([
        editor.request<HitSummary[]>('search', { query: 'LD-Pruner', options: { limit: 5 } }),
        editor.request<HitSummary[]>('search', { query: 'quantization part 1', options: { limit: 20 } }),
        editor.request<CompletionEntry[]>('completions', { prefix: 'ldpr', limit: 10 }),
        editor.request<NoteScan>('scanNote', { markdown: 'LD-Pruner prunes [@nobody].', mentions: {}, ownKeys: [] }),
        editor.request<Paper[]>('papers', { keys: cold.latest.papers.slice(0, 3).map((p) => p.key) }),
      ]);
    const expected = await asks(cold);
    assert.equal(expected[0][0]?.key, cold.latest.papers.find((p) => p.shortName === 'LD-Pruner')!.key, 'found by its name (the control)');

    const warm = nextSession(cold);
    await warm.start();
    const info = await warm.request<{ fromSavedIndex: boolean; papers: number }>('load');
    assert.equal(info.fromSavedIndex, true);
    // Asked at once, while the engine may still be decoding the restored papers.
    assert.deepEqual(await asks(warm), expected);
    assert.equal(warm.libraries.length, 1, 'the restored library is sent once');
  });

  it('at a warm start without summaries saved for this editor (the web, another runtime), answers the load once the editor has the whole library', async function () {
    this.timeout(60000);
    const cold = inThisThread();
    cold.digests.set('/w/seed.txt', readSeed());
    cold.digests.set('/w/hf.json', hfDigest(4000));
    await cold.start();
    await cold.request('load');
    await cold.request('saveNow');
    const warm = nextSession(cold);
    await warm.start();
    const info = await warm.request<{ fromSavedIndex: boolean; papers: number }>('load');
    assert.equal(info.fromSavedIndex, true);
    // Nothing was sent as saved: what the editor shows once the load answers is the whole library, not nothing.
    assert.equal(warm.libraries.length, 1);
    assert.deepEqual(warm.latest.papers, cold.latest.papers);
  });

  it('at a warm start sends the summaries as saved, once; an edit after it sends the one paper', async () => {
    const digest = hfDigest(2100);
    const coldCodec = jsonCodec();
    const cold = inThisThread(coldCodec);
    cold.digests.set('/w/seed.txt', readSeed());
    cold.digests.set('/w/hf.json', digest);
    await cold.start({ summaryCodec: jsonCodec().id });
    await cold.request('load');
    const parts = Math.ceil(2147 / SUMMARIES_PER_PART);
    assert.equal(coldCodec.encoded, parts, 'the cold start\'s library sent encoded');
    await cold.request('saveNow');
    assert.equal(coldCodec.encoded, parts, 'and saved as sent, not encoded again');
    assert.equal(cold.saved.size, 1, 'saved (the control)');

    const codec = jsonCodec();
    const warm = nextSession(cold, codec);
    await warm.start({ summaryCodec: jsonCodec().id });
    const info = await warm.request<{ fromSavedIndex: boolean; papers: number }>('load');
    assert.equal(info.fromSavedIndex, true);
    assert.equal(warm.libraries.length, 1, 'one library: the restored one is not sent a second time');
    assert.equal(warm.begins[0]!.inOrder, true, 'sent in library order, without a key list');
    assert.equal(codec.decoded, Math.ceil(2147 / SUMMARIES_PER_PART), 'every part decoded by the editor, once');
    assert.deepEqual(warm.latest.papers, cold.latest.papers, 'the same summaries as the cold start sent as objects');
    assert.deepEqual(warm.latest.problems, cold.latest.problems);

    // The engine knows the editor holds those papers: an edit sends only what changed.
    const paper = warm.latest.papers[1000]!;
    warm.digests.set('/w/hf.json', digest.replace(paper.title, `${paper.title} revised`));
    await warm.request('digestsChanged', { paths: ['/w/hf.json'] });
    await warm.request('idle');
    assert.equal(warm.libraries.length, 2);
    assert.equal(warm.latest.changed, 1, 'one paper sent');
    assert.equal(warm.latest.papers[1000]!.title, `${paper.title} revised`);
    assert.equal(warm.latest.papers[999], warm.libraries[0]!.papers[999], 'the others kept as they were');
  });

  it('gives the Techniques view its groups as places in the library the editor holds, named by its generation, warm and after an edit', async () => {
    const digest = hfDigest(600);
    const cold = inThisThread(jsonCodec());
    cold.digests.set('/w/seed.txt', readSeed());
    cold.digests.set('/w/hf.json', digest);
    await cold.start({ summaryCodec: jsonCodec().id });
    await cold.request('load');
    await cold.request('saveNow');
    const warm = nextSession(cold, jsonCodec());
    await warm.start({ summaryCodec: jsonCodec().id });
    assert.equal((await warm.request<{ fromSavedIndex: boolean }>('load')).fromSavedIndex, true);
    /** How many papers the tree places; by technique, each under a technique it has. */
    const placedIn = (tree: PlacedTree, papers: readonly Paper[], byTechnique: boolean) => {
      const places = new Set<number>();
      for (const category of tree.categories) {
        for (const technique of category.techniques) {
          for (const place of technique.places) {
            places.add(place);
            if (byTechnique && category.id !== 'other') assert.ok(papers[place]!.techniques.includes(technique.id), `${papers[place]!.key} under ${technique.id}`);
          }
        }
      }
      return places.size;
    };
    const restored = await warm.request<PlacedTree>('tree', { grouping: 'technique', sort: 'date' });
    assert.equal(restored.generation, warm.latest.generation, 'the restored library\'s');
    assert.equal(placedIn(restored, warm.latest.papers, true), warm.latest.papers.length, 'every paper placed');

    const paper = warm.latest.papers.find((p) => p.techniques.length)!;
    warm.digests.set('/w/hf.json', digest.replace(paper.title, `${paper.title} revised`));
    await warm.request('digestsChanged', { paths: ['/w/hf.json'] });
    await warm.request('idle');
    const edited = await warm.request<PlacedTree>('tree', { grouping: 'year', sort: 'title' });
    assert.equal(warm.libraries.length, 2);
    assert.equal(edited.generation, warm.latest.generation, 'the edited library\'s');
    assert.notEqual(edited.generation, restored.generation, 'control: another library, another generation');
    assert.equal(placedIn(edited, warm.latest.papers, false), warm.latest.papers.length);
  });

  it('begins a load with the digests and the key file sent with it, without asking for them', async () => {
    const first = inThisThread();
    first.digests.set('/w/seed.txt', readSeed());
    first.digests.set('/w/hf.json', hfDigest(300));
    await first.start();
    await first.request('load');
    assert.deepEqual(first.asked.slice(0, 2).sort(), ['digests.list', 'keys.read'], 'a load sent without them asks (the control)');
    await first.request('saveNow');

    const second = nextSession(first);
    await second.start();
    const info = await second.request<{ fromSavedIndex: boolean }>('load', { digests: second.listing(), keyFile: second.keyFile() } satisfies LoadRequest);
    assert.equal(info.fromSavedIndex, true, 'the listing names the saved index');
    assert.deepEqual(second.asked, [], 'nothing asked');
    assert.deepEqual(second.latest.papers.map((p) => p.key), first.latest.papers.map((p) => p.key));

    // The key file sent is the one the next build reads: a key it holds stays the paper's.
    const paper = second.latest.papers[10]!;
    second.keyText = second.keyText!.replace(`${paper.key}\t`, 'renamedbyhand\t');
    const third = nextSession(second);
    await third.start();
    await third.request('load', { digests: third.listing(), keyFile: third.keyFile() } satisfies LoadRequest);
    assert.equal(third.latest.papers.find((p) => p.id === paper.id)?.key, 'renamedbyhand');
    assert.ok(!third.asked.includes('digests.list'), third.asked.join());
  });

  it('sends the summaries once the front of the saved index checks out, and replaces them with a rebuilt library when the rest does not', async () => {
    const cold = inThisThread(jsonCodec());
    cold.digests.set('/w/seed.txt', readSeed());
    await cold.start({ summaryCodec: jsonCodec().id });
    await cold.request('load');
    await cold.request('saveNow');
    const [key, bytes] = [...cold.saved][0]!;

    // Positive control: the same index, untouched, starts warm.
    const intact = nextSession(cold, jsonCodec());
    await intact.start({ summaryCodec: jsonCodec().id });
    assert.equal((await intact.request<{ fromSavedIndex: boolean }>('load')).fromSavedIndex, true);

    // A bit flipped in the search index, past the summaries.
    const corrupt = nextSession(cold, jsonCodec());
    corrupt.saved.set(key, flippedIn(bytes, 'abstract:postings'));
    await corrupt.start({ summaryCodec: jsonCodec().id });
    const info = await corrupt.request<{ fromSavedIndex: boolean; papers: number }>('load');
    await corrupt.request('idle');
    assert.equal(info.fromSavedIndex, false, 'rebuilt');
    assert.equal(corrupt.begins.length, 2, 'the saved summaries began a library, the rebuilt one another');
    assert.equal(corrupt.begins[0]!.changed, 47, 'the saved summaries went before the rest was checked');
    assert.equal(corrupt.libraries.length, 1, 'only the rebuilt library ended');
    assert.equal(corrupt.latest.papers.length, 47);
    assert.ok(corrupt.logs.some((l) => /^warn: The saved index was discarded.*checksum/.test(l)), corrupt.logs.join('\n'));
  });

  it('rebuilds, saying why, when a chunk of the saved papers turns out changed after search began from the saved index', async () => {
    const cold = inThisThread(jsonCodec());
    cold.digests.set('/w/seed.txt', readSeed());
    cold.digests.set('/w/hf.json', hfDigest(600));
    await cold.start({ summaryCodec: jsonCodec().id });
    await cold.request('load');
    await cold.request('saveNow');
    const [key, bytes] = [...cold.saved][0]!;
    // A bit flipped inside the stored papers' third chunk (checked when that chunk is decoded).
    const bad = flippedIn(bytes, 'papers:200');
    const corrupt = nextSession(cold, jsonCodec());
    corrupt.saved.set(key, bad);
    await corrupt.start({ summaryCodec: jsonCodec().id });
    const info = await corrupt.request<{ fromSavedIndex: boolean; papers: number }>('load');
    assert.equal(info.fromSavedIndex, true, 'search began from the saved index (its search index checked out)');
    await corrupt.request('idle');
    assert.ok(corrupt.logs.some((l) => /^warn: The saved index could not be restored \(the saved index does not match its checksum/.test(l)), corrupt.logs.join('\n'));
    assert.deepEqual(corrupt.latest.papers, cold.latest.papers, 'the library the editor ends with is the rebuilt one, every paper as the cold start sent it');
    const hits = await corrupt.request<HitSummary[]>('search', { query: 'LD-Pruner', options: { limit: 3 } });
    assert.equal(hits[0]?.key, cold.latest.papers.find((p) => p.shortName === 'LD-Pruner')!.key);
    await corrupt.request('flushPendingSave');
    assert.notDeepEqual([...corrupt.saved.values()][0], bad, 'the changed index is saved anew (a save was pending)');
  });

  it('takes a saved index whose summaries another runtime encoded: sends them anew in the editor\'s encoding and saves the index again with its own', async () => {
    const first = inThisThread(jsonCodec('other-runtime'));
    first.digests.set('/w/seed.txt', readSeed());
    await first.start({ summaryCodec: jsonCodec('other-runtime').id });
    await first.request('load');
    await first.request('saveNow');

    const codec = jsonCodec();
    const second = nextSession(first, codec);
    await second.start({ summaryCodec: jsonCodec().id });
    const info = await second.request<{ fromSavedIndex: boolean }>('load');
    assert.equal(info.fromSavedIndex, true, 'the index is used');
    assert.equal(second.begins.length, 1, 'but not its summaries: the library is sent once, when restored');
    assert.equal(codec.decoded, Math.ceil(47 / SUMMARIES_PER_PART), 'encoded anew for this editor');
    assert.equal(second.begins[0]!.changed, 47, 'every paper sent');
    assert.deepEqual(second.latest.papers, first.latest.papers);
    const before = [...second.saved.values()][0]!;
    await second.request('flushPendingSave');
    await second.request('idle');
    assert.notDeepEqual([...second.saved.values()][0], before, 'saved again');

    const third = nextSession(second, codec);
    await third.start({ summaryCodec: jsonCodec().id });
    await third.request('load');
    assert.equal(third.begins[0]!.inOrder, true, 'with summaries this editor takes');
    assert.deepEqual(third.latest.papers, first.latest.papers);
  });

  it('sends every paper again as objects when the editor asks (it could not take them as saved)', async () => {
    const editor = inThisThread(jsonCodec());
    editor.digests.set('/w/seed.txt', readSeed());
    await editor.start({ summaryCodec: jsonCodec().id });
    await editor.request('load');
    const before = editor.latest.papers;
    await editor.request('resendLibrary');
    assert.equal(editor.libraries.length, 2);
    assert.equal(editor.begins[1]!.inOrder, true, 'in library order');
    assert.equal(editor.latest.changed, 47, 'every paper');
    assert.deepEqual(editor.latest.papers, before);
  });

  it('reads a burst of changes in one rebuild, and a file that cannot be read becomes a problem naming it', async () => {
    const editor = inThisThread();
    editor.digests.set('/w/seed.txt', readSeed());
    editor.digests.set('/w/hf.json', hfDigest(30));
    await editor.start();
    await editor.request('load');
    const before = editor.libraries.length;
    editor.digests.set('/w/hf.json', hfDigest(40));
    editor.digests.set('/w/gone.json', new Error('EACCES'));
    await Promise.all(Array.from({ length: 20 }, () => editor.request('digestsChanged', { paths: ['/w/hf.json', '/w/gone.json'] })));
    await editor.request('idle');
    assert.equal(editor.libraries.length - before, 1, 'twenty events, one new library');
    assert.equal(editor.latest.papers.length, 87);
    // The ten new papers, and those whose names the new ones now share (a name belongs to one paper).
    assert.ok(editor.latest.changed >= 10 && editor.latest.changed < 30, `${editor.latest.changed} summaries sent, not 87`);
    const kept = editor.libraries[before - 1]!.papers.find((p) => p.shortName === 'LD-Pruner')!;
    assert.equal(editor.latest.papers.find((p) => p.key === kept.key), kept, 'the same object');
    assert.ok(editor.latest.problems.some((p) => p.path === '/w/gone.json' && /Cannot read/.test(p.message)));
  });

  it('after an edit that keeps every paper in its place, sends the changed summary without the list of keys, and the editor puts it in place', async () => {
    const editor = inThisThread();
    editor.digests.set('/w/hf.json', hfDigest(30));
    await editor.start();
    await editor.request('load');
    assert.equal(editor.begins[0]!.inOrder, true, 'the first library: every paper in library order, no list of keys');
    assert.equal(editor.begins[0]!.keys, undefined);
    const before = editor.latest;
    const edited = before.papers[12]!;
    const objects = JSON.parse(hfDigest(30)) as Array<{ paper: { id: string; title: string } }>;
    const object = objects.find((o) => o.paper.id === edited.arxivId)!;
    object.paper.title = `Revised: ${object.paper.title}`;
    editor.digests.set('/w/hf.json', JSON.stringify(objects));
    await editor.request('digestsChanged', { paths: ['/w/hf.json'] });
    await editor.request('idle');
    assert.equal(editor.begins.length, 2);
    assert.equal(editor.begins[1]!.keys, undefined, 'the same keys in the same order are not sent again');
    assert.deepEqual(editor.latest.papers.map((p) => p.key), before.papers.map((p) => p.key));
    assert.ok(editor.latest.papers[12]!.title.startsWith('Revised: '), editor.latest.papers[12]!.title);
    assert.equal(editor.latest.papers[13], before.papers[13], 'the others are the same objects');
    assert.equal(editor.begins[1]!.changed, 1, 'one summary sent');
    // A change deep inside a paper (the last author's name) is a changed summary too.
    const authored = objects.find((o) => o.paper.id === before.papers[5]!.arxivId) as unknown as { paper: { authors: Array<{ name: string }> } };
    authored.paper.authors = [...authored.paper.authors.slice(0, -1), { name: 'Ada Lovelace' }];
    editor.digests.set('/w/hf.json', JSON.stringify(objects));
    await editor.request('digestsChanged', { paths: ['/w/hf.json'] });
    await editor.request('idle');
    assert.equal(editor.begins[2]!.changed, 1);
    assert.ok(editor.latest.papers[5]!.authors.includes('Ada Lovelace'), editor.latest.papers[5]!.authors.join(', '));
    // The control: a paper more changes the keys, and they are sent.
    editor.digests.set('/w/hf.json', hfDigest(31));
    await editor.request('digestsChanged', { paths: ['/w/hf.json'] });
    await editor.request('idle');
    assert.equal(editor.begins[3]!.keys?.length, 31);
    assert.equal(editor.latest.papers.length, 31);
  });

  it('gives the editor each library\'s papers by key from the places it keeps: the same places after an edit, new ones when the keys change', async () => {
    const editor = inThisThread();
    editor.digests.set('/w/hf.json', hfDigest(30));
    await editor.start();
    await editor.request('load');
    const catalog = (received: LibraryInTest) => new PaperCatalog(received.shelf, received.problems, defaultTaxonomy, received.placeOf);
    const findsEvery = (found: PaperCatalog, received: LibraryInTest) => {
      for (const paper of received.papers) assert.equal(found.paper(paper.key), paper, paper.key);
      assert.equal(found.paper('no-such-key'), undefined);
    };
    const first = editor.latest;
    const firstCatalog = catalog(first);
    findsEvery(firstCatalog, first);
    const objects = JSON.parse(hfDigest(30)) as Array<{ paper: { id: string; title: string } }>;
    objects.find((o) => o.paper.id === first.papers[12]!.arxivId)!.paper.title += ' (revised)';
    editor.digests.set('/w/hf.json', JSON.stringify(objects));
    await editor.request('digestsChanged', { paths: ['/w/hf.json'] });
    await editor.request('idle');
    const edited = editor.latest;
    assert.notEqual(edited, first);
    assert.equal(edited.placeOf, first.placeOf, 'an edit that keeps every key in its place keeps the places');
    findsEvery(catalog(edited), edited);
    assert.ok(catalog(edited).paper(first.papers[12]!.key)!.title.endsWith('(revised)'));
    // Another paper: new places, and the first library still finds its own papers.
    editor.digests.set('/w/hf.json', hfDigest(31));
    await editor.request('digestsChanged', { paths: ['/w/hf.json'] });
    await editor.request('idle');
    assert.notEqual(editor.latest.placeOf, first.placeOf);
    findsEvery(catalog(editor.latest), editor.latest);
    findsEvery(firstCatalog, first);
  });

  it('answers requests made before it was started with an error, not a crash', async () => {
    const editor = inThisThread();
    await assert.rejects(editor.request('search', { query: 'x', options: {} }), /not started/);
    await editor.start();
    await editor.request('load');
    assert.deepEqual(await editor.request('search', { query: 'x', options: {} }), []);
  });

  const workerScript = join(ROOT, 'dist', 'worker.js');
  /** The nice value of each of this process's threads (Linux: nice is per thread), or undefined elsewhere. */
  const threadNices = (): number[] | undefined => {
    if (!existsSync('/proc/self/task')) return undefined;
    return readdirSync('/proc/self/task').flatMap((tid) => {
      try {
        // After the command's name in parentheses: field 19 of stat, the 17th after it.
        return [Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16])];
      } catch {
        return []; // a thread that ended meanwhile
      }
    });
  };

  it('runs in a worker thread, at a lower priority than the editor\'s thread where the system has per-thread priorities, and a request to a worker that ended fails as closed', async function () {
    if (!existsSync(workerScript)) this.skip();
    const before = threadNices();
    const worker = new Worker(workerScript);
    const editor = new EditorDouble({ post: (message, transfer) => worker.postMessage(message, transfer), onMessage: (handler) => worker.on('message', handler) });
    worker.on('exit', () => editor.rpc.close('the worker exited'));
    try {
      editor.digests.set('/w/seed.txt', readSeed());
      await editor.start();
      const info = await editor.request<{ papers: number }>('load');
      assert.equal(info.papers, 47);
      assert.ok((await editor.request<HitSummary[]>('search', { query: 'lora', options: {} })).length > 0);
      if (before) {
        assert.ok(!before.some((nice) => nice > 0), `no thread runs below the editor's priority before the worker starts (the control): ${before}`);
        assert.equal(getPriority(process.pid), 0, 'this thread, the editor\'s, keeps its priority');
        assert.ok(threadNices()!.some((nice) => nice > 0), `the worker's thread runs at a lower priority: ${threadNices()}`);
      }
      const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
      void editor.request('crashForTest').catch(() => undefined);
      assert.equal(await exited, 70);
      await assert.rejects(editor.request('search', { query: 'lora', options: {} }), ConnectionClosed);
    } finally {
      await worker.terminate();
    }
  });

  it('in a worker thread started from V8\'s code cache: writes the cache once, starts from it next time, and writes it anew when V8 refuses it', async function () {
    this.timeout(30000);
    const loaderScript = join(ROOT, 'dist', 'workerLoader.js');
    if (!existsSync(workerScript) || !existsSync(loaderScript)) this.skip();
    const folder = mkdtempSync(join(tmpdir(), 'paper-digest-code-cache-'));
    writeFileSync(join(folder, 'engine-code-of-an-older-version.bin'), 'old');
    const caches = () => readdirSync(folder).filter((name) => name.startsWith('engine-code-'));
    /** The one cache file: its size and inode (a cache written anew is a new file renamed into place). */
    const cache = () => {
      const names = caches();
      if (names.length !== 1) return undefined;
      const { size, ino } = statSync(join(folder, names[0]!));
      return { size, ino };
    };
    /** Starts the engine through the loader, loads the seed, and gives the cache as it is `settleMs` later. */
    const session = async (settleMs: number) => {
      const worker = new Worker(loaderScript, { workerData: { codeCache: { engine: workerScript, cacheFolder: folder, writeAfterMs: 0 } } });
      const editor = new EditorDouble({ post: (message, transfer) => worker.postMessage(message, transfer), onMessage: (handler) => worker.on('message', handler) });
      try {
        editor.digests.set('/w/seed.txt', readSeed());
        await editor.start();
        assert.equal((await editor.request<{ papers: number }>('load')).papers, 47);
        assert.ok((await editor.request<HitSummary[]>('search', { query: 'lora', options: {} })).length > 0);
        await new Promise((resolve) => setTimeout(resolve, settleMs));
        return cache();
      } finally {
        await worker.terminate();
      }
    };
    try {
      const written = await session(500);
      assert.ok(written && written.size > 100_000, 'the first start writes a cache, and removes the older version\'s');
      // Started from it: not written again (the same file after the same wait as the control below).
      assert.deepEqual(await session(500), written);
      // The control: a cache V8 refuses (here cut) is compiled past and written anew within that wait.
      const file = join(folder, caches()[0]!);
      writeFileSync(file, readFileSync(file).subarray(0, 1000));
      const rewritten = await session(500);
      assert.ok(rewritten && rewritten.size > 100_000 && rewritten.ino !== written.ino, 'a refused cache is written anew');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('in a worker thread, keeps the saved index in a local folder itself: a second worker starts warm from it, its summaries as V8 saved them; a cut one is removed and rebuilt', async function () {
    if (!existsSync(workerScript)) this.skip();
    const folder = mkdtempSync(join(tmpdir(), 'paper-digest-index-'));
    writeFileSync(join(folder, 'index-from-an-older-version.bin'), 'old');
    let keyText: string | undefined; // the workspace's key file, as one session leaves it to the next
    const session = async (check: (editor: EditorDouble, info: { fromSavedIndex: boolean; papers: number }) => Promise<void>) => {
      const worker = new Worker(workerScript);
      const codec = v8SummaryCodec();
      const editor = new EditorDouble({ post: (message, transfer) => worker.postMessage(message, transfer), onMessage: (handler) => worker.on('message', handler) }, codec);
      try {
        editor.digests.set('/w/seed.txt', readSeed());
        editor.keyText = keyText;
        await editor.start({ snapshotFolder: folder, summaryCodec: codec.id });
        await check(editor, await editor.request('load'));
        assert.equal(editor.snapshotRequests, 0, 'the editor never carried the index\'s bytes');
        keyText = editor.keyText;
      } finally {
        await worker.terminate();
      }
    };
    const files = () => readdirSync(folder).sort();
    try {
      let coldPapers: readonly Paper[] = [];
      await session(async (editor, info) => {
        assert.equal(info.fromSavedIndex, false);
        coldPapers = editor.latest.papers;
        await editor.request('saveNow');
        assert.equal(files().length, 1, `one index, the older one removed and no temporary file left: ${files().join(', ')}`);
      });
      const [saved] = files();
      await session(async (editor, info) => {
        assert.equal(info.fromSavedIndex, true);
        assert.equal(info.papers, 47);
        assert.equal(editor.begins[0]!.inOrder, true, 'the summaries sent as saved');
        assert.equal(editor.libraries.length, 1);
        assert.deepEqual(editor.latest.papers, coldPapers, 'the same as the cold start sent');
      });
      const bytes = readFileSync(join(folder, saved!));
      writeFileSync(join(folder, saved!), bytes.subarray(0, bytes.length >> 1));
      await session(async (editor, info) => {
        assert.equal(info.fromSavedIndex, false, 'a cut index is not used');
        assert.equal(info.papers, 47);
        assert.ok(editor.logs.some((l) => /checksum|was cut|cannot be read/.test(l)), editor.logs.join('\n'));
        await editor.request('saveNow');
        assert.deepEqual(files(), [saved], 'and replaced');
        assert.equal(readFileSync(join(folder, saved!)).length, bytes.length, 'by a whole one');
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('in a worker thread, at a warm start sends the summaries as soon as the saved index opens: the editor has their keys when the library ends and decodes them after', async function () {
    if (!existsSync(workerScript)) this.skip();
    const folder = mkdtempSync(join(tmpdir(), 'paper-digest-index-'));
    const digest = hfDigest(4000);
    let keyText: string | undefined; // the key file the cold start wrote: the saved index is for it
    const session = async () => {
      const worker = new Worker(workerScript);
      const codec = v8SummaryCodec();
      const editor = new EditorDouble({ post: (message, transfer) => worker.postMessage(message, transfer), onMessage: (handler) => worker.on('message', handler) }, codec);
      try {
        editor.digests.set('/w/hf.json', digest);
        editor.keyText = keyText;
        await editor.start({ snapshotFolder: folder, summaryCodec: codec.id });
        const info = await editor.request<{ fromSavedIndex: boolean }>('load');
        if (!info.fromSavedIndex) await editor.request('saveNow');
        keyText = editor.keyText;
        return { editor, info };
      } finally {
        await worker.terminate();
      }
    };
    try {
      const cold = await session();
      assert.equal(cold.info.fromSavedIndex, false);
      const { editor, info } = await session();
      assert.equal(info.fromSavedIndex, true);
      assert.equal(editor.partsDecoded, Math.ceil(4000 / SUMMARIES_PER_PART));
      // Not while the engine restores the index: the two would share the processor.
      assert.equal(editor.decodedWhenEnded[0], 0, 'no part decoded before the library ended');
      assert.deepEqual(editor.latest.papers, cold.editor.latest.papers, 'the same summaries as the cold start sent');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('shares its builds with helper threads using the techniques setting as it is then, and sends what it sends alone', async () => {
    const digest = hfDigest(SHARED_DERIVE_MIN + 100);
    const first = [{ id: 'attention-work', label: 'Attention', category: 'architecture', words: ['attention'] }];
    const second = [{ id: 'video-work', label: 'Video', category: 'modalities', words: ['video'] }];
    let started = 0;
    const withHelpers = (): EditorDouble => {
      const [editorPort, enginePort] = memoryPorts();
      serveLibraryEngine(new RpcEndpoint(enginePort), {
        helperThreads: {
          count: 1,
          worthMs: 0, // these 2,100 papers take ~0.2 s: not worth a helper but for the test
          start: () => {
            started++;
            const [here, there] = memoryPorts();
            serveDeriveHelper(new RpcEndpoint(there));
            return { rpc: new RpcEndpoint(here), end: () => undefined };
          },
        },
      });
      return new EditorDouble(editorPort);
    };
    const shared = withHelpers();
    const alone = inThisThread();
    for (const editor of [shared, alone]) {
      editor.digests.set('/w/hf.json', digest);
      await editor.start({ techniques: first });
      await editor.request('load');
    }
    assert.equal(started, 1, 'the cold build started its helper');
    const tagged = (editor: EditorDouble, id: string) => editor.latest.papers.filter((p) => p.techniques.includes(id)).length;
    assert.ok(tagged(shared, 'attention-work') > 0, 'the user\'s technique found by the helper and the engine');
    assert.deepEqual(shared.latest.papers, alone.latest.papers);
    for (const editor of [shared, alone]) await editor.request('techniquesChanged', { techniques: second });
    assert.equal(started, 2, 'classifying again started it again');
    assert.equal(tagged(shared, 'attention-work'), 0);
    assert.ok(tagged(shared, 'video-work') > 0);
    assert.deepEqual(shared.latest.papers, alone.latest.papers);
  });

  it('in a worker thread, shares a cold build with helper threads where the machine has the cores, and sends the library the engine in this thread sends', async function () {
    if (!existsSync(workerScript)) this.skip();
    const digest = hfDigest(4000);
    const here = inThisThread();
    here.digests.set('/w/hf.json', digest);
    await here.start();
    await here.request('load');
    // 4,000 papers take ~0.3 s to derive: worth no helper but for the test.
    const worker = new Worker(workerScript, { workerData: { helpersWorthMs: 0 } });
    const editor = new EditorDouble({ post: (message, transfer) => worker.postMessage(message, transfer), onMessage: (handler) => worker.on('message', handler) });
    try {
      editor.digests.set('/w/hf.json', digest);
      await editor.start();
      await editor.request('load');
      assert.equal(editor.latest.papers.length, 4000);
      assert.deepEqual(editor.latest.papers, here.latest.papers);
      const shared = editor.logs.find((l) => /helper thread/.test(l));
      if (availableParallelism() > 1) assert.match(shared ?? editor.logs.join('\n'), /^info: Names and techniques of 4000 papers derived, [1-9]\d* of them by \d helper threads?\.$/);
      else assert.equal(shared, undefined, 'one core: no helper');
    } finally {
      await worker.terminate();
    }
  });

  /** The engine in a real worker thread, the editor's side here, and a scratch folder on disk; all ended afterwards. */
  const inWorkerThread = async (body: (editor: EditorDouble, folder: string) => Promise<void>) => {
    const folder = mkdtempSync(join(tmpdir(), 'paper-digest-digests-'));
    const worker = new Worker(workerScript);
    const editor = new EditorDouble({ post: (message, transfer) => worker.postMessage(message, transfer), onMessage: (handler) => worker.on('message', handler) });
    try {
      await body(editor, folder);
    } finally {
      await worker.terminate();
      rmSync(folder, { recursive: true, force: true });
    }
  };

  it('in a worker thread, reads a digest on disk itself, given its path; one gone before it is read is a problem naming it', async function () {
    if (!existsSync(workerScript)) this.skip();
    await inWorkerThread(async (editor, folder) => {
      const seed = join(folder, 'seed.txt');
      writeFileSync(seed, readSeed());
      editor.digests.set('/w/seed.txt', readSeed());
      editor.onDisk.set('/w/seed.txt', seed);
      editor.digests.set('/w/gone.txt', readSeed().slice(0, 2000));
      editor.onDisk.set('/w/gone.txt', join(folder, 'gone.txt')); // never written
      editor.digests.set('/w/remote.txt', hfDigest(3)); // not on disk: its bytes come from the editor
      await editor.start();
      const info = await editor.request<{ papers: number }>('load');
      assert.equal(info.papers, 50, 'the 47 papers read from disk and the 3 sent as bytes');
      assert.equal(editor.bytesSent, 1, 'only the digest that is not on disk was sent');
      const problem = editor.latest.problems.find((p) => p.path === '/w/gone.txt');
      assert.ok(problem && /^Cannot read digest \/w\/gone\.txt: .*ENOENT/.test(problem.message), JSON.stringify(editor.latest.problems));
    });
  });

  it('in a worker thread, reads and writes a key file on disk itself: its text never passes through the editor, and its own write is not taken for a change', async function () {
    if (!existsSync(workerScript)) this.skip();
    await inWorkerThread(async (editor, folder) => {
      const keyFile = join(folder, '.paper-digest', 'keys.tsv');
      editor.keyFileOnDisk = keyFile;
      editor.digests.set('/w/seed.txt', readSeed());
      await editor.start();
      await editor.request('load');
      await editor.request('idle');
      const written = readFileSync(keyFile, 'utf8');
      assert.match(written, /^ldpruner2024\t/m, 'the keys handed out are written, its folder made');
      assert.equal(editor.keyTextsSent, 0, 'no text was sent to the editor to write');
      const libraries = editor.libraries.length;
      await editor.request('keysChanged'); // the change event of the engine's own write
      assert.equal(editor.libraries.length, libraries, 'no rebuild for our own write');
      // The control: another writer's change (a key moved by hand) is read and built with.
      writeFileSync(keyFile, written.replace(/^ldpruner2024\t/m, 'mypruner\t'));
      await editor.request('keysChanged');
      assert.equal(editor.libraries.length, libraries + 1, 'rebuilt with the file another writer changed');
      assert.equal(editor.latest.papers.find((p) => p.shortName === 'LD-Pruner')?.key, 'mypruner');
      assert.equal(editor.keyText, undefined, 'the editor never held the text');
    });
  });

  it('in a worker thread, remembers the keys of real libraries written by others (d2l.bib, 3,071 Hugging Face papers) in a key file on disk that the next session reads itself', async function () {
    if (!existsSync(workerScript) || !hasCorpus('d2l.bib') || !hasCorpus('hf-daily-papers-dev.json')) this.skip();
    this.timeout(120000);
    const session = (keyText: string | undefined) =>
      new Promise<{ keys: string[]; keyText: string }>((resolve, reject) =>
        inWorkerThread(async (editor, folder) => {
          const keyFile = join(folder, '.paper-digest', 'keys.tsv');
          if (keyText !== undefined) {
            mkdirSync(join(folder, '.paper-digest'));
            writeFileSync(keyFile, keyText);
          }
          editor.keyFileOnDisk = keyFile;
          editor.digests.set('/w/d2l.bib', readFileSync(corpusPath('d2l.bib'), 'utf8'));
          editor.onDisk.set('/w/d2l.bib', corpusPath('d2l.bib'));
          editor.digests.set('/w/hf.json', readFileSync(corpusPath('hf-daily-papers-dev.json'), 'utf8'));
          editor.onDisk.set('/w/hf.json', corpusPath('hf-daily-papers-dev.json'));
          await editor.start();
          await editor.request('load');
          await editor.request('idle');
          assert.equal(editor.keyTextsSent, 0, 'no key text sent to the editor');
          resolve({ keys: editor.latest.papers.map((p) => `${p.id} ${p.key}`), keyText: readFileSync(keyFile, 'utf8') });
        }).catch(reject),
      );
    const first = await session(undefined);
    assert.ok(first.keyText.split('\n').filter((line) => line && !line.startsWith('#')).length > 3000, 'a key a line for the generated keys');
    // The next session: the keys as the file says, one of them moved by hand.
    const [id, key] = first.keys.find((k) => k.startsWith('arxiv:'))!.split(' ');
    const moved = first.keyText.replace(new RegExp(`^${key}\t`, 'm'), 'movedbyhand\t');
    assert.notEqual(moved, first.keyText, 'the control: the key file has that key');
    const next = await session(moved);
    assert.deepEqual(next.keys, first.keys.map((k) => (k === `${id} ${key}` ? `${id} movedbyhand` : k)), 'every paper keeps its key, the moved one moved');
    assert.equal(next.keyText, moved, 'and the file is not rewritten');
  });

  it('in a worker thread, reads a digest being written again once it settles, instead of parsing it cut', async function () {
    if (!existsSync(workerScript)) this.skip();
    await inWorkerThread(async (editor, folder) => {
      const seed = join(folder, 'seed.txt');
      const whole = readSeed();
      const cut = whole.slice(0, whole.indexOf('\n', whole.length >> 1)); // the first half, as a save in progress leaves it
      writeFileSync(seed, cut);
      editor.digests.set('/w/seed.txt', cut);
      editor.onDisk.set('/w/seed.txt', seed);
      let asked = 0;
      editor.versionAsked = () => {
        // The save finishes while the engine reads: the file, and so its version, changed.
        if (asked++ === 0) {
          writeFileSync(seed, whole);
          editor.digests.set('/w/seed.txt', whole);
        }
      };
      await editor.start();
      const info = await editor.request<{ papers: number }>('load');
      assert.ok(asked >= 2, `the version was asked after each read (${asked})`);
      assert.equal(info.papers, 47, 'the whole digest, not the half read first');
    });
  });

  it('serves real libraries written by others (d2l.bib and 3,071 Hugging Face papers) as the core builds them, and after an edit sends only what changed', async function () {
    if (!hasCorpus('d2l.bib') || !hasCorpus('hf-daily-papers-dev.json')) this.skip();
    this.timeout(120000);
    const bib = readFileSync(corpusPath('d2l.bib'), 'utf8');
    const hf = readFileSync(corpusPath('hf-daily-papers-dev.json'), 'utf8');
    const editor = inThisThread();
    editor.digests.set('/w/d2l.bib', bib);
    editor.digests.set('/w/hf.json', hf);
    await editor.start();
    await editor.request('load');
    const core = Library.fromDigests([{ path: '/w/d2l.bib', text: bib }, { path: '/w/hf.json', text: hf }]);
    assert.deepEqual(editor.latest.papers.map((p) => p.key), core.papers.map((p) => p.key), 'the same papers under the same keys, in the same order');
    const sample = core.papers.filter((_, i) => i % 60 === 0);
    const whole = await editor.request<Paper[]>('papers', { keys: sample.map((p) => p.key) });
    assert.deepEqual(whole, JSON.parse(JSON.stringify(sample)), 'whole papers as the core has them');
    for (const summary of editor.latest.papers.filter((_, i) => i % 60 === 0)) {
      const paper = core.paper(summary.key)!;
      assert.deepEqual({ ...summary, abstract: '', keywords: [] }, JSON.parse(JSON.stringify({ ...paper, abstract: '', keywords: [] })), `${summary.key}: the summary is the paper but for its abstract and keywords`);
      assert.ok(paper.abstract.startsWith(summary.abstract.replace(/…$/, '')), `${summary.key}: the summary's abstract is the paper's lead`);
    }
    // A person edits one entry's title.
    const before = editor.latest;
    editor.digests.set('/w/d2l.bib', bib.replace('title={Hierarchical text-conditional image generation with clip latents}', 'title={Hierarchical text-conditional image generation with {CLIP} latents}'));
    await editor.request('digestsChanged', { paths: ['/w/d2l.bib'] });
    await editor.request('idle');
    const after = editor.latest;
    assert.notEqual(after, before);
    assert.equal(after.changed, 1, 'one summary sent');
    assert.ok(after.papers.some((p) => p.title === 'Hierarchical text-conditional image generation with CLIP latents'));
    assert.deepEqual(after.papers.map((p) => p.key), before.papers.map((p) => p.key), 'no key moved');
  });

  it('takes a real library (d2l.bib, TMwR.bib, 3,071 Hugging Face papers) as V8 bytes without decoding it, edits it in place part by part, and ends with every summary as sent', async function () {
    if (!hasCorpus('d2l.bib') || !hasCorpus('tmwr/TMwR.bib') || !hasCorpus('hf-daily-papers-dev.json')) this.skip();
    this.timeout(60000);
    const core = Library.fromDigests(['d2l.bib', 'tmwr/TMwR.bib', 'hf-daily-papers-dev.json'].map((name) => ({ path: `/w/${name}`, text: readFileSync(corpusPath(name), 'utf8') })));
    const summaries = core.papers.map((paper) => JSON.parse(JSON.stringify(paperSummary(paper))) as Paper);
    const codec = v8SummaryCodec();
    let partsDecoded = 0;
    const receiver = new LibraryReceiver((bytes) => {
      const opened = codec.open(bytes);
      return { ...opened, parts: opened.parts.map((part) => ({ size: part.size, decode: () => (partsDecoded++, part.decode()) })) };
    }, () => new Promise((resolve) => setImmediate(resolve)));
    receiver.begin({ generation: 1, inOrder: true, changed: summaries.length, problems: [], techniques: [] });
    for (let i = 0; i < summaries.length; i += 1000) receiver.chunk({ generation: 1, encoded: codec.encode(summaries.slice(i, i + 1000)) });
    const first = (await receiver.end({ generation: 1 }))!;
    const catalog = new PaperCatalog(first.papers, [], defaultTaxonomy, first.placeOf);
    assert.equal(partsDecoded, 0, 'handed out undecoded');
    const asked = summaries[Math.floor(summaries.length / 2)]!;
    assert.deepEqual(catalog.paper(asked.key), asked, 'a paper asked for, as sent');
    assert.equal(partsDecoded, 1);
    // A person edits one abstract: the edit's library decodes that paper's part alone.
    const target = summaries[42]!;
    const edited = { ...target, abstract: `${target.abstract} Revised.` };
    receiver.begin({ generation: 2, changed: 1, problems: [], techniques: [] });
    receiver.chunk({ generation: 2, papers: [edited] });
    const second = (await receiver.end({ generation: 2 }))!;
    assert.equal(partsDecoded, 2);
    const editedCatalog = new PaperCatalog(second.papers, [], defaultTaxonomy, second.placeOf);
    await editedCatalog.whenDecoded();
    const expected = summaries.map((summary) => (summary.key === target.key ? edited : summary));
    assert.deepEqual(editedCatalog.papers, expected, 'every summary as sent, the edited one replaced');
    let parts = 0;
    for (let i = 0; i < summaries.length; i += 1000) parts += Math.ceil(Math.min(1000, summaries.length - i) / SUMMARIES_PER_PART);
    assert.equal(partsDecoded, parts, 'each part once, across both libraries');
    for (const [key, place] of editedCatalog.papers.map((p, i) => [p.key, i] as const).filter((_, i) => i % 97 === 0)) assert.equal(editedCatalog.paper(key), editedCatalog.papers[place]);
  });

  it('starts warm on real libraries written by others (d2l.bib, TMwR.bib, 3,071 Hugging Face papers) with the very summaries a cold start sent, through V8 bytes, and searches as it did', async function () {
    if (!hasCorpus('d2l.bib') || !hasCorpus('tmwr/TMwR.bib') || !hasCorpus('hf-daily-papers-dev.json')) this.skip();
    this.timeout(120000);
    const codec = v8SummaryCodec();
    const cold = inThisThread(codec);
    cold.digests.set('/w/d2l.bib', readFileSync(corpusPath('d2l.bib'), 'utf8'));
    cold.digests.set('/w/TMwR.bib', readFileSync(corpusPath('tmwr/TMwR.bib'), 'utf8'));
    cold.digests.set('/w/hf.json', readFileSync(corpusPath('hf-daily-papers-dev.json'), 'utf8'));
    await cold.start({ summaryCodec: codec.id });
    await cold.request('load');
    await cold.request('saveNow');
    const queries = ['attention is all you need', 'resnet', 'lora', 'diffusion year:2024', 'author:vaswani', '"language model"', 'transformer -vision', 'bert', 'tidymodels', 'mixture of experts'];
    const ask = (editor: EditorDouble) => Promise.all(queries.map((query) => editor.request<HitSummary[]>('search', { query, options: { limit: 20 } })));
    const expected = await ask(cold);
    assert.ok(expected.filter((hits) => hits.length > 0).length >= 9, 'the queries find papers (the control)');
    const warm = nextSession(cold, codec);
    await warm.start({ summaryCodec: codec.id });
    assert.equal((await warm.request<{ fromSavedIndex: boolean }>('load')).fromSavedIndex, true);
    assert.deepEqual(await ask(warm), expected, 'search answers as the cold start did, asked as soon as the load answered');
    assert.equal(warm.begins[0]!.inOrder, true, 'the summaries as saved');
    assert.ok(warm.latest.papers.length > 3500, `${warm.latest.papers.length} papers`);
    assert.deepEqual(warm.latest.papers, cold.latest.papers, 'every field of every summary (names, venues, sources) as the cold start sent it');
    // And those, sent encoded, are the core's summaries of the engine's papers.
    const whole = await cold.request<Paper[]>('papers', { keys: cold.latest.papers.map((p) => p.key) });
    assert.deepEqual(cold.latest.papers, whole.map((p) => JSON.parse(JSON.stringify(paperSummary(p))) as Paper));
  });
});
