import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DerivationShare, DeriveHelpers, SHARED_DERIVE_MIN, serveDeriveHelper } from '../../src/core/deriveHelpers';
import { parseDigest } from '../../src/core/digest';
import { KeyMemory } from '../../src/core/keyMemory';
import { Derived, LibrarySnapshot, PaperText } from '../../src/core/library';
import { DigestRead, DigestSource, KeyStore, LibraryLoader, ListedDigest, LoaderPorts, SnapshotStore } from '../../src/core/libraryLoader';
import { RpcEndpoint, memoryPorts } from '../../src/core/rpc';
import { decodeSnapshot, encodeSnapshot } from '../../src/core/snapshotCodec';
import { defaultTaxonomy } from '../../src/core/techniques';
import { corpusPath, hasCorpus, hfDigest, readFixture, readSeed } from './fixtures';

/** The loader over in-memory ports: what the editor gives it over `vscode.workspace.fs`, here as maps. */

function hashOf(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}

class MemoryDigests implements DigestSource {
  readonly files = new Map<string, string | Error>();
  reads = 0;
  /** Called while a read is under way (before it answers), to change files meanwhile. */
  duringRead: (() => void) | undefined;
  /** Part of a file's version, as its modification time is: a new one is a touch of the same bytes. */
  readonly stamps = new Map<string, string>();
  async list(): Promise<ListedDigest[]> {
    return Promise.all([...this.files.keys()].map(async (path) => ({ path, version: await this.version(path) })));
  }
  async version(path: string): Promise<string> {
    const file = this.files.get(path);
    return typeof file === 'string' ? hashOf(file) + (this.stamps.get(path) ?? '') : 'unreadable';
  }
  async read(path: string): Promise<DigestRead> {
    this.reads++;
    const file = this.files.get(path);
    const during = this.duringRead;
    this.duringRead = undefined;
    during?.();
    await Promise.resolve();
    if (file === undefined || file instanceof Error) {
      const message = `Cannot read digest ${path}: ${file instanceof Error ? file.message : 'no such file'}`;
      return { problem: { path, line: 0, severity: 'error', message }, version: `unreadable:${this.reads}` };
    }
    return { text: file, version: hashOf(file) + (this.stamps.get(path) ?? '') };
  }
}

class MemorySnapshots implements SnapshotStore {
  readonly saved = new Map<string, LibrarySnapshot>();
  corrupt = false;
  async load(key: string) {
    if (this.corrupt && this.saved.has(key)) return { discarded: 'its checksum does not match' };
    return { snapshot: this.saved.get(key) };
  }
  async save(key: string, snapshot: LibrarySnapshot) {
    this.saved.clear();
    this.saved.set(key, snapshot);
  }
}

class MemoryKeys implements KeyStore {
  text = '';
  /** The text as last read or written. */
  private known: string | undefined;
  async read() {
    this.known = this.text;
    return { text: this.text, path: 'keys.tsv' };
  }
  async readChanged() {
    return this.text === this.known ? undefined : this.read();
  }
  async write(memory: KeyMemory) {
    this.text = this.known = memory.serialize();
    memory.changed = false;
    return this.text;
  }
}

function setup() {
  const digests = new MemoryDigests();
  digests.files.set('/w/seed.txt', readSeed());
  digests.files.set('/w/hf.json', readFixture('hf-daily-papers-sample.json'));
  const snapshots = new MemorySnapshots();
  const keys = new MemoryKeys();
  const messages: string[] = [];
  const ports: LoaderPorts = {
    digests,
    snapshots,
    keys,
    taxonomy: () => ({ taxonomy: defaultTaxonomy, identity: '[]' }),
    hash: async (data) => hashOf(typeof data === 'string' ? data : new TextDecoder().decode(data)),
    log: { info: (m) => messages.push(`info: ${m}`), warn: (m) => messages.push(`warn: ${m}`), error: (m) => messages.push(`error: ${m}`) },
    saveDelayMs: 60_000, // the tests save when they mean to
  };
  return { digests, snapshots, keys, messages, ports, loader: () => new LibraryLoader(ports, '1.0.0') };
}

describe('the library loader, over in-memory ports', () => {
  it('starts warm from the saved index, with the same papers and keys, and remembers the keys it handed out', async () => {
    const { ports, keys, loader } = setup();
    const cold = loader();
    await cold.load();
    assert.equal(cold.lastLoad?.fromSavedIndex, false);
    assert.equal(cold.snapshot.papers.length, 72);
    assert.match(keys.text, /ldpruner2024/, 'the keys handed out are written');
    await cold.saveNow();
    const warm = new LibraryLoader(ports, '1.0.0');
    await warm.load();
    assert.equal(warm.lastLoad?.fromSavedIndex, true);
    assert.deepEqual(warm.snapshot.papers.map((p) => p.key).sort(), cold.snapshot.papers.map((p) => p.key).sort());
    assert.equal(warm.snapshot.search('lottery')[0]?.paper.key, 'lotteryticket2018');
    // The control: another version does not read that index.
    const other = new LibraryLoader(ports, '2.0.0');
    await other.load();
    assert.equal(other.lastLoad?.fromSavedIndex, false);
  });

  it('answers its first load once the saved index searches: search answers before the papers are decoded, and what needs them waits', async () => {
    const { ports, digests, loader } = setup();
    // The saved index as bytes, as the engine keeps it: decoded, it gives its papers one at a time.
    const files = new Map<string, Uint8Array>();
    ports.snapshots = {
      load: async (key) => ({ snapshot: files.has(key) ? decodeSnapshot(files.get(key)!) : undefined }),
      save: async (key, snapshot) => {
        files.clear();
        files.set(key, encodeSnapshot(snapshot));
      },
    };
    digests.files.set('/w/many.json', hfDigest(1200));
    const cold = loader();
    await cold.load();
    await cold.saveNow();
    const queries = ['lottery', 'part 12', 'ldpruner', 'quantization year:2024'];
    const expected = queries.map((q) => cold.snapshot.search(q).map((h) => h.paper.key));
    assert.ok(expected.every((keys) => keys.length > 0), 'each query finds papers (the control)');

    const warm = loader();
    await warm.loadUntilSearchable();
    assert.equal(warm.lastLoad?.fromSavedIndex, true);
    assert.equal(warm.lastLoad?.papers, cold.snapshot.papers.length);
    assert.equal(warm.snapshot.papers.length, 0, 'answered before the restored library is built');
    assert.deepEqual(queries.map((q) => warm.search(q).map((h) => h.paper.key)), expected);
    // A change made now is built after the restore, from the restored library.
    digests.files.set('/w/seed.txt', readSeed().replace('LD-Pruner: Efficient Pruning', 'LD-Pruner (v2): Efficient Pruning'));
    const changed = warm.digestsChanged(['/w/seed.txt']);
    const whole = await warm.whole();
    assert.equal(whole.papers.length, cold.snapshot.papers.length, 'what needs the papers gets them all');
    assert.deepEqual(queries.map((q) => whole.search(q).map((h) => h.paper.key)), expected);
    await changed;
    assert.ok(warm.snapshot.search('LD-Pruner')[0]?.paper.title.includes('(v2)'), 'the change is built after it');
    assert.deepEqual(warm.search('lottery').map((h) => h.paper.key), expected[0]);
  });

  it('rebuilds, with a warning, when the saved papers fail to decode after search began from the saved index', async () => {
    const { ports, messages, loader } = setup();
    const files = new Map<string, Uint8Array>();
    let breakPapers = false;
    ports.snapshots = {
      load: async (key) => {
        const snapshot = files.has(key) ? decodeSnapshot(files.get(key)!) : undefined;
        const lazy = snapshot?.lazyPapers;
        if (!snapshot || !lazy || !breakPapers) return { snapshot };
        // Checked bytes whose papers still do not decode (a version's bug): a paper past the first search's.
        return { snapshot: { ...snapshot, lazyPapers: { ...lazy, at: (place: number) => (place < 40 ? lazy.at(place) : assert.fail('cannot decode')) } } };
      },
      save: async (key, snapshot) => {
        files.clear();
        files.set(key, encodeSnapshot(snapshot));
      },
    };
    const cold = loader();
    await cold.load();
    await cold.saveNow();
    breakPapers = true;
    const warm = loader();
    await warm.loadUntilSearchable();
    assert.equal(warm.lastLoad?.fromSavedIndex, true, 'search began from the saved index');
    const whole = await warm.whole();
    await warm.idle();
    assert.equal(warm.lastLoad?.fromSavedIndex, false, 'then the library was built from the digests');
    assert.equal(whole.papers.length, cold.snapshot.papers.length);
    assert.deepEqual(warm.snapshot.search('lottery').map((h) => h.paper.key), cold.snapshot.search('lottery').map((h) => h.paper.key));
    assert.ok(messages.some((m) => /^warn: The saved index could not be restored \(cannot decode\); the library is rebuilt/.test(m)), messages.join('\n'));
  });

  it('after a warm start, builds the next change with the key file: a key it reserves and a key it moved are kept', async () => {
    const { ports, keys, digests, loader } = setup();
    const cold = loader();
    await cold.load();
    // A key of a paper no digest has any more (reserved), and LD-Pruner's key changed by hand: both are in the file
    // the saved index is built with.
    keys.text = keys.text.replace(/^ldpruner2024\t/m, 'mypruner\t') + 'gone2019\t1901.00001\t\t2019\tA Paper No Digest Has\n';
    await cold.keysChanged();
    await cold.saveNow();
    const warm = new LibraryLoader(ports, '1.0.0');
    await warm.load();
    assert.equal(warm.lastLoad?.fromSavedIndex, true);
    digests.files.set('/w/hf.json', (digests.files.get('/w/hf.json') as string).replace('"title": "', '"title": "Revised '));
    await warm.digestsChanged(['/w/hf.json']);
    assert.equal(warm.snapshot.paper('mypruner')?.shortName, 'LD-Pruner');
    assert.match(keys.text, /^gone2019\t/m, 'the reserved key stays in the file');
    assert.ok(warm.snapshot.papers.some((p) => p.title.startsWith('Revised ')), 'the control: the change was built');
  });

  it('builds nothing for a change event whose bytes did not change; bytes of another size are rebuilt without hashing them, bytes of the same size after hashing', async () => {
    const { ports, digests, snapshots, loader } = setup();
    let hashed = 0;
    const hash = ports.hash;
    // The digest's text, not the saved index's key or the key file (far shorter).
    ports.hash = (data) => {
      if (typeof data !== 'string' || data.length > 20_000) hashed++;
      return hash(data);
    };
    const l = loader();
    await l.load();
    let published = 0;
    l.onDidChange(() => published++);
    const seed = digests.files.get('/w/seed.txt') as string;
    const change = async (text: string) => {
      hashed = 0;
      digests.files.set('/w/seed.txt', text);
      await l.digestsChanged(['/w/seed.txt']);
    };
    await change(seed.replace('LD-Pruner', 'LD-Pruner2'));
    assert.deepEqual([published, hashed], [1, 0], 'another size: built, not hashed');
    await change(seed.replace('LD-Pruner', 'LD-Pruner3'));
    assert.deepEqual([published, hashed], [2, 1], 'the same size as the last read: hashed, and built (no hash of the last to compare with)');
    assert.ok(l.snapshot.papers.some((p) => p.title.includes('LD-Pruner3')));
    await change(seed.replace('LD-Pruner', 'LD-Pruner3'));
    assert.deepEqual([published, hashed], [2, 1], 'the same bytes: hashed, and nothing built');
    await change(seed.replace('LD-Pruner', 'LD-Pruner4'));
    assert.deepEqual([published, hashed], [3, 1], 'the same size, other bytes: built');
    assert.ok(l.snapshot.papers.some((p) => p.title.includes('LD-Pruner4')));
    // A touch (a new version, the same bytes) builds nothing, but the saved index, named by the versions, is saved again.
    await l.saveNow();
    const savedBefore = [...snapshots.saved.keys()];
    digests.stamps.set('/w/seed.txt', ':touched');
    await change(seed.replace('LD-Pruner', 'LD-Pruner4'));
    assert.deepEqual([published, hashed], [3, 1], 'a touch: hashed, nothing built');
    await l.flushPendingSave();
    assert.notDeepEqual([...snapshots.saved.keys()], savedBefore, 'saved again under the new versions');
    const next = loader();
    await next.load();
    assert.equal(next.lastLoad?.fromSavedIndex, true, 'the next start is warm');
  });

  it('applies a burst of changes in order, each file read again, and ends with the last content', async () => {
    const { digests, loader } = setup();
    const l = loader();
    await l.load();
    const published: number[] = [];
    l.onDidChange((library) => published.push(library.papers.length));
    const seed = readSeed();
    const versions = [1, 2, 3].map((n) => seed.replace('LD-Pruner: Efficient Pruning of Latent Diffusion Models', `LD-Pruner: Efficient Pruning of Latent Diffusion Models (v${n})`));
    const done: Array<Promise<void>> = [];
    for (const text of versions) {
      digests.files.set('/w/seed.txt', text);
      done.push(l.digestsChanged(['/w/seed.txt']));
    }
    await Promise.all(done);
    await l.idle();
    assert.ok(l.snapshot.search('v3')[0]?.paper.title.includes('(v3)'));
    assert.ok(!l.snapshot.papers.some((p) => /\(v[12]\)/.test(p.title)));
    assert.ok(published.length >= 1 && published.every((n) => n === 72));
  });

  it('coalesces a burst of 20 edits into few rebuilds', async () => {
    const { digests, loader } = setup();
    const l = loader();
    await l.load();
    let rebuilds = 0;
    l.onDidChange(() => rebuilds++);
    const seed = readSeed();
    const done: Array<Promise<void>> = [];
    for (let n = 1; n <= 20; n++) {
      digests.files.set('/w/seed.txt', seed.replace('LD-Pruner: Efficient', `LD-Pruner: Efficient (edit ${n})`));
      done.push(l.digestsChanged(['/w/seed.txt']));
      if (n % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 0)); // the editor's events arrive over time
    }
    await Promise.all(done);
    assert.ok(l.snapshot.search('edit 20')[0]?.paper.title.includes('(edit 20)'), 'the last edit is what the library shows');
    assert.ok(rebuilds >= 1 && rebuilds <= 5, `${rebuilds} rebuilds for 20 edits`);
  });

  it('does not build a digest from bytes that changed again while they were read, and builds the newer ones', async () => {
    const { digests, loader } = setup();
    const l = loader();
    await l.load();
    const built: string[] = [];
    l.onDidChange((library) => built.push(library.search('LD-Pruner')[0]?.paper.title ?? 'none'));
    const seed = readSeed();
    const version = (n: number) => seed.replace('LD-Pruner: Efficient Pruning of Latent Diffusion Models', `LD-Pruner: Efficient Pruning of Latent Diffusion Models (v${n})`);
    digests.files.set('/w/seed.txt', version(1));
    // While v1 is being read, the file is saved again (v2) and its event comes.
    let second: Promise<void> | undefined;
    digests.duringRead = () => {
      digests.files.set('/w/seed.txt', version(2));
      second = l.digestsChanged(['/w/seed.txt']);
    };
    const readsBefore = digests.reads;
    await l.digestsChanged(['/w/seed.txt']);
    await second;
    await l.idle();
    assert.equal(digests.reads - readsBefore, 2, 'both saves read');
    assert.equal(built.length, 1, `one library, not two: ${built.join(' | ')}`);
    assert.match(built[0]!, /\(v2\)/, 'built from the newer bytes');
    // The control: a save with no other one during its read is built.
    digests.files.set('/w/seed.txt', version(3));
    await l.digestsChanged(['/w/seed.txt']);
    assert.equal(built.length, 2);
    assert.match(built[1]!, /\(v3\)/);
  });

  it('turns an unreadable digest into one problem naming it and keeps the other digests\' papers', async () => {
    const { digests, loader } = setup();
    digests.files.set('/w/broken.bib', new Error('permission denied'));
    const l = loader();
    await l.load();
    assert.equal(l.snapshot.papers.length, 72);
    assert.ok(l.snapshot.problems.some((p) => p.path === '/w/broken.bib' && /permission denied/.test(p.message)));
    // Readable again: its problem goes.
    digests.files.set('/w/broken.bib', '@article{k, title={A title}, year={2024}}');
    await l.digestsChanged(['/w/broken.bib']);
    assert.ok(!l.snapshot.problems.some((p) => p.path === '/w/broken.bib' && p.severity === 'error'));
    assert.ok(l.snapshot.paper('k'));
  });

  it('discards a corrupt saved index with a warning and rebuilds', async () => {
    const { ports, snapshots, messages, loader } = setup();
    const first = loader();
    await first.load();
    await first.saveNow();
    snapshots.corrupt = true;
    const second = new LibraryLoader(ports, '1.0.0');
    await second.load();
    assert.equal(second.lastLoad?.fromSavedIndex, false);
    assert.equal(second.snapshot.papers.length, 72);
    assert.ok(messages.some((m) => /^warn: The saved index was discarded .*checksum/.test(m)), messages.join('\n'));
  });

  it('forgets a deleted digest, and a digest the settings no longer name', async () => {
    const { digests, loader } = setup();
    const l = loader();
    await l.load();
    await l.digestDeleted('/w/hf.json');
    assert.equal(l.snapshot.papers.length, 47);
    digests.files.delete('/w/seed.txt');
    await l.syncDigests();
    assert.equal(l.snapshot.papers.length, 25, 'the settings name only hf.json now');
  });

  it('takes keys another writer put in the key file', async () => {
    const { keys, loader } = setup();
    const l = loader();
    await l.load();
    const moved = keys.text.replace(/^ldpruner2024\t/m, 'mypruner\t');
    assert.notEqual(moved, keys.text, 'the control: the key file names LD-Pruner');
    keys.text = moved;
    await l.keysChanged();
    assert.equal(l.snapshot.paper('mypruner')?.shortName, 'LD-Pruner');
  });

  it('saves a pending change when asked to flush, and not otherwise', async () => {
    const { snapshots, digests, loader } = setup();
    const l = loader();
    assert.equal(l.flushPendingSave(), undefined, 'nothing pending before a load');
    await l.load();
    digests.files.set('/w/seed.txt', readSeed().replace('LD-Pruner', 'LD-Pruner2'));
    await l.digestsChanged(['/w/seed.txt']);
    snapshots.saved.clear();
    await l.flushPendingSave();
    assert.equal(snapshots.saved.size, 1);
    assert.equal(l.flushPendingSave(), undefined);
    l.dispose();
  });
});

describe('a cold build shared with helper threads', () => {
  /**
   * Helpers over in-memory ports, each the real helper (`serveDeriveHelper`); counts what they
   * were sent, and how often running threads were ended (`released`).
   */
  const portHelpers = (count: number, worthMs = 0) => {
    const sent: number[] = Array(count).fill(0);
    let released = 0;
    let threads: RpcEndpoint[] = [];
    const thread = (helper: number) =>
      (threads[helper] ??= (() => {
        const [here, there] = memoryPorts();
        serveDeriveHelper(new RpcEndpoint(there));
        return new RpcEndpoint(here);
      })());
    const helpers: DeriveHelpers = {
      count,
      worthMs,
      derive(helper, texts) {
        sent[helper]! += texts.length;
        return thread(helper).request<Derived[]>('derive', { techniques: [], texts });
      },
      start() {
        for (let helper = 0; helper < count; helper++) thread(helper);
      },
      release() {
        if (threads.length) released++;
        threads = [];
      },
    };
    return { helpers, sent, released: () => released, running: () => threads.length };
  };
  /** What a paper's names and techniques come to, with its key. */
  const derivedOf = (l: LibraryLoader) => l.snapshot.papers.map((p) => ({ key: p.key, shortName: p.shortName, aliases: p.aliases, techniques: p.techniques }));
  /** `withCorpus`: the 3,071 real Hugging Face papers of the corpus too, where it is. */
  const bigDigests = (withCorpus = false) => {
    const { digests, ports, messages } = setup();
    digests.files.set('/w/many.json', hfDigest(SHARED_DERIVE_MIN + 500));
    if (withCorpus && hasCorpus('hf-daily-papers-dev.json')) digests.files.set('/w/real.json', readFileSync(corpusPath('hf-daily-papers-dev.json'), 'utf8'));
    return { digests, ports, messages };
  };

  it('lets helpers derive part of a big cold build, and builds the same library as without them', async () => {
    const alone = bigDigests(true);
    const single = new LibraryLoader(alone.ports, '1.0.0');
    await single.load();
    const { ports } = bigDigests(true);
    const { helpers, sent, released } = portHelpers(2);
    const shared = new LibraryLoader({ ...ports, helpers }, '1.0.0');
    await shared.load();
    assert.ok(sent[0]! > 0 && sent[1]! > 0, `each helper derived a share: ${sent.join(', ')}`);
    assert.equal(released(), 1, 'the helpers end when the shared part is over');
    assert.deepEqual(derivedOf(shared), derivedOf(single));
    // The text indexed while the helpers derived is the index the building thread alone makes.
    await single.saveNow();
    await shared.saveNow();
    const [savedAlone] = [...(alone.ports.snapshots as MemorySnapshots).saved.values()];
    const [savedShared] = [...(ports.snapshots as MemorySnapshots).saved.values()];
    assert.deepEqual(savedShared!.index, savedAlone!.index);
    for (const query of ['pruning diffusion', 'quantization aware', 'ldpruner', 'lora']) {
      assert.deepEqual(shared.snapshot.search(query).map((h) => h.paper.key), single.snapshot.search(query).map((h) => h.paper.key), query);
    }
  });

  it('does the building thread\'s own work alongside while helpers derive, then derives from the last text back what they have not answered', async () => {
    const texts = Array.from({ length: 3000 }, (_, i) => ({ title: `Paper ${i}: LoRA for pruning`, abstract: 'We prune and quantize large language models.', keywords: [] }));
    const { helpers, sent } = portHelpers(1);
    const derived = new Set<PaperText>();
    const derivedHere: PaperText[] = [];
    let left = 5;
    const order: string[] = [];
    const share = new DerivationShare(
      helpers,
      (chunk) => chunk.filter((text) => !derived.has(text) && derived.add(text)).length,
      () => undefined,
    );
    const byHelpers = await share.finish(
      texts,
      (chunk) => {
        for (const text of chunk) derived.add(text);
        derivedHere.push(...chunk);
        order.push('derive');
      },
      (text) => derived.has(text),
      () => {
        order.push('alongside');
        return --left > 0;
      },
    );
    assert.equal(left, 0, 'every step of the work alongside ran');
    assert.equal(derived.size, texts.length, 'every text derived');
    assert.equal(new Set(derivedHere).size, derivedHere.length, 'none twice here');
    assert.equal(byHelpers! + derivedHere.length, texts.length, 'each text counted once, here or by a helper');
    assert.ok(byHelpers! > 0 && sent[0]! > 0);
    // The last two chunks time the work here, then the rest goes to the helper and the work alongside comes before more deriving here.
    assert.deepEqual(order.slice(0, 7), ['derive', 'derive', 'alongside', 'alongside', 'alongside', 'alongside', 'alongside']);
    assert.deepEqual(derivedHere.slice(0, 1000), [...texts.slice(2500), ...texts.slice(2000, 2500)], 'from the last text back');
  });

  it('shares work with the helpers sooner when the building thread has its own work alongside', async () => {
    const texts = Array.from({ length: 3000 }, (_, i) => ({ title: `Paper ${i}`, abstract: 'We prune models.', keywords: [] }));
    // Deriving here takes at least 0.2 ms a text: ~0.6 s for these, worth sharing only with work alongside.
    const slowly = () => {
      const until = performance.now() + 0.2 * 500;
      while (performance.now() < until);
    };
    const share = async (alongside: boolean) => {
      const { helpers, sent } = portHelpers(1, 60_000);
      let left = 2;
      await new DerivationShare(helpers, () => 0, () => undefined).finish(texts, slowly, () => false, alongside ? () => --left > 0 : undefined);
      return sent[0]!;
    };
    assert.equal(await share(false), 0, 'alone, under the helpers\' worth: derived here');
    assert.ok((await share(true)) > 0, 'with work alongside: shared');
  });

  it('derives a small change in the building thread only', async () => {
    const { ports, digests } = bigDigests();
    const { helpers, sent } = portHelpers(1);
    const l = new LibraryLoader({ ...ports, helpers }, '1.0.0');
    await l.load();
    const afterLoad = sent[0]!;
    assert.ok(afterLoad > 0, 'the control: the cold build shared its work');
    digests.files.set('/w/seed.txt', readSeed().replace('LD-Pruner', 'LD-Pruner2'));
    await l.digestsChanged(['/w/seed.txt']);
    assert.equal(sent[0], afterLoad, 'nothing more sent for one changed paper');
    assert.ok(l.snapshot.papers.some((p) => p.shortName === 'LD-Pruner2' && p.techniques.includes('pruning')), 'the changed paper derived here');
    l.dispose();
  });

  it('sends a cold load\'s texts to helpers only for enough digest text, before its build, ends the helpers after it, and builds the same library', async () => {
    const { ports, digests } = bigDigests();
    // Sent whatever a build's deriving is worth: the building thread never waits for a helper.
    const { helpers, sent, released, running } = portHelpers(1, 60_000);
    const parsing: boolean[] = [];
    const l = new LibraryLoader({ ...ports, helpers: { ...helpers, derive: (h, texts) => (parsing.push(!l.snapshot.papers.length), helpers.derive(h, texts)) } }, '1.0.0');
    await l.load();
    const parsedPapers = [...digests.files].reduce((n, [path, text]) => n + parseDigest(text as string, path).papers.length, 0);
    assert.ok(parsedPapers > SHARED_DERIVE_MIN);
    assert.equal(sent[0], parsedPapers, 'every parsed paper\'s text, those of the digests read before the helpers started too');
    assert.ok(parsing.length > 2 && parsing.every((p) => p), 'a chunk at a time, before the library was built');
    assert.equal(released(), 1, 'started with the cold load (while it read the digests), ended after its build');
    assert.equal(running(), 0);
    // A small library starts none.
    const small = portHelpers(1, 0);
    const { ports: smallPorts, messages } = setup();
    await new LibraryLoader({ ...smallPorts, helpers: small.helpers }, '1.0.0').load();
    assert.deepEqual([small.released(), small.running(), small.sent[0]], [0, 0, 0]);
    assert.ok(!messages.some((m) => /helper/.test(m)), messages.join('\n'));
    // The control: the same build alone.
    const alone = bigDigests();
    const single = new LibraryLoader(alone.ports, '1.0.0');
    await single.load();
    assert.deepEqual(derivedOf(l), derivedOf(single));
  });

  it('leaves the share of a helper that fails to the build: the same library, and one warning', async () => {
    const alone = bigDigests();
    const single = new LibraryLoader(alone.ports, '1.0.0');
    await single.load();
    const { ports, messages } = bigDigests();
    let asked = 0;
    let released = 0;
    let started = false;
    const failing: DeriveHelpers = {
      count: 1,
      worthMs: 0,
      derive: async () => {
        asked++;
        throw new Error('it exited with code 1');
      },
      start: () => void (started = true),
      release: () => {
        if (started) released++;
        started = false;
      },
    };
    const shared = new LibraryLoader({ ...ports, helpers: failing }, '1.0.0');
    await shared.load();
    assert.ok(asked > 0);
    assert.equal(released, 1);
    assert.deepEqual(derivedOf(shared), derivedOf(single));
    const [warning, info, ...more] = messages.filter((m) => /helper/.test(m));
    assert.equal(warning, 'warn: A helper thread could not derive names and techniques (it exited with code 1); the build derives its share.');
    assert.match(info ?? '', /^info: Names and techniques of \d+ papers derived, 0 of them by 1 helper thread\.$/);
    assert.deepEqual(more, []);
  });
});
