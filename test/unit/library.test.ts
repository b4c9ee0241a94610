import assert from 'node:assert/strict';
import { assignCitationKeys, baseKey } from '../../src/core/citationKeys';
import { KeyMemory } from '../../src/core/keyMemory';
import { Library } from '../../src/core/library';
import { Paper, newPaper, newestFirst } from '../../src/core/model';
import { extractNames } from '../../src/core/names';
import { asciiFold } from '../../src/core/text';
import { SEED_PATH, hfDigest, hfSample, readSeed } from './fixtures';

const seedLibrary = () => Library.fromDigests([{ path: SEED_PATH, text: readSeed() }]);
const byTitle = (library: Library, prefix: string) => library.papers.find((p) => p.title.startsWith(prefix))!;

function paper(title: string, date: string | null, extra: Partial<Paper> = {}): Paper {
  return newPaper(title, { path: 'x', line: 0 }, { date, upvotes: 0, ...extra });
}

describe('paper names', () => {
  const library = seedLibrary();

  it('are compared folded to lowercase ASCII letters and digits, accented, full-width or plain', () => {
    const folded: Record<string, string> = {
      'LD-Pruner': 'ldpruner',
      'LD-Prüner': 'ldpruner',
      'Straße-Net': 'strassenet',
      'ＬｏＲＡ': 'lora',
      'BitNet b1.58': 'bitnetb158',
      'Ω-Net': 'net',
      '': '',
    };
    assert.deepEqual(Object.fromEntries(Object.keys(folded).map((name) => [name, asciiFold(name)])), folded);
  });

  it('finds the names a note would use, from the title and from the abstract', () => {
    const expected: Record<string, string> = {
      'LD-Pruner': 'LD-Pruner',
      MixLoRA: 'MixLoRA',
      EfficientQAT: 'EfficientQAT',
      PHNNs: 'PHNNs',
      'The Lottery Ticket Hypothesis': 'The Lottery Ticket Hypothesis',
      'Tokens-to-Token ViT': 'T2T-ViT',
      'Parameter Competition Balancing': 'PCB-Merging',
      'Autoregressive Entity Retrieval': 'GENRE',
      'Pluggable Pruning': 'PPCL',
      'Go Wider Instead of Deeper': 'WideNet',
      'One Head Eight Arms': 'Block-LoRA',
      'Parameter-Efficient Fine-Tuning in Spectral Domain': 'PointGST',
      'Arbitrary Few Parameters': 'APET',
      'DiffuseKronA': 'DiffuseKronA',
      'Compacter': 'Compacter',
    };
    for (const [title, name] of Object.entries(expected)) assert.equal(byTitle(library, title).shortName, name, title);
    assert.ok(byTitle(library, 'Tokens-to-Token ViT').aliases.includes('Tokens-to-Token ViT'));
    assert.ok(byTitle(library, 'One Head Eight Arms').aliases.includes('One Head Eight Arms'));
  });

  it('does not take a generic acronym or a modifier for a name', () => {
    assert.equal(byTitle(library, 'Fast and Efficient Transformer').shortName, null); // "a novel BEV instance prediction architecture"
    assert.ok(!byTitle(library, 'Parameter-Efficient Fine-Tuning in Spectral').aliases.includes('PEFT'));
    assert.equal(byTitle(library, 'Class-dependent Compression').shortName, null);
    assert.deepEqual(extractNames('Better Models', 'We propose a Parameter-Efficient Fine-Tuning (PEFT) method for LLMs.'), { shortName: null, aliases: [] });
  });

  it('drops a name two papers share', () => {
    const abstract = 'We propose FooNet, a network.';
    const lib = Library.fromResults([{ papers: [paper('FooNet: One', '2024-01-01', { abstract }), paper('Another Paper Entirely', '2024-02-01', { abstract }), paper('BarNet: Two', '2024-03-01')], problems: [] }]);
    assert.equal(lib.papers[0]!.shortName, null);
    assert.equal(lib.papers[1]!.shortName, null);
    assert.equal(lib.papers[2]!.shortName, 'BarNet');
  });
});

describe('citation keys', () => {
  const library = seedLibrary();

  it('gives readable, lowercase ASCII keys, unique in the library', () => {
    assert.equal(byTitle(library, 'LD-Pruner').key, 'ldpruner2024');
    assert.equal(byTitle(library, 'The Lottery Ticket').key, 'lotteryticket2018');
    assert.equal(byTitle(library, 'Tokens-to-Token').key, 't2tvit2021');
    const keys = library.papers.map((p) => p.key);
    assert.equal(new Set(keys).size, keys.length);
    for (const k of keys) assert.match(k, /^[a-z0-9]{2,30}$/);
  });

  it('folds accents and symbols to ASCII', () => {
    assert.equal(baseKey({ shortName: 'Ñandú-Net', title: 'x', date: '2020-01-01', authors: [], creators: [] }), 'nandunet2020');
  });

  it('keeps every key when papers are added or removed', () => {
    const seedKeys = new Map(library.papers.map((p) => [p.title, p.key]));
    const extra = { path: 'extra.txt', text: `New Paper: About Something Else\n\n${'We propose NewThing, an unrelated method for galaxies and stars with many words in this abstract. '.repeat(3)}\n\n  • 2 authors\n·\nJan 1, 2026` };
    const grown = Library.fromDigests([{ path: SEED_PATH, text: readSeed() }, extra]);
    for (const p of grown.papers) if (seedKeys.has(p.title)) assert.equal(p.key, seedKeys.get(p.title), p.title);
    const seedLines = readSeed().split('\n');
    const shrunk = Library.fromDigests([{ path: SEED_PATH, text: [...seedLines.slice(0, 12), ...seedLines.slice(19)].join('\n') }]);
    assert.equal(shrunk.papers.length, 46);
    for (const p of shrunk.papers) assert.equal(p.key, seedKeys.get(p.title), p.title);
  });

  it('leaves a handed-out key with its paper when an older paper that wants it arrives', () => {
    const memory = new KeyMemory();
    const first = paper('Sparse Networks Revisited', '2019-05-01');
    assignCitationKeys([first], memory);
    assert.equal(first.key, 'sparsenetworks2019');
    const older = paper('Sparse Networks Again', '2019-01-01');
    const both = [older, { ...first, key: '' }];
    assignCitationKeys(both, memory);
    assert.equal(both[1]!.key, 'sparsenetworks2019');
    assert.equal(both[0]!.key, 'sparsenetworks2019a');
    // Without the memory, the older paper would have taken it: the control.
    const fresh = [paper('Sparse Networks Again', '2019-01-01'), paper('Sparse Networks Revisited', '2019-05-01')];
    assignCitationKeys(fresh);
    assert.equal(fresh[0]!.key, 'sparsenetworks2019');
  });

  it('keeps keys a digest already gives (BibTeX) and avoids them', () => {
    const given = paper('Sparse Networks Revisited', '2019-05-01', { key: 'sparsenetworks2019' });
    const other = paper('Sparse Networks Again', '2018-01-01');
    assignCitationKeys([given, other]);
    assert.equal(given.key, 'sparsenetworks2019');
    assert.equal(other.key, 'sparsenetworks2018');
    const clash = paper('Sparse Networks Once More', '2019-01-01');
    assignCitationKeys([given, clash]);
    assert.equal(clash.key, 'sparsenetworks2019a');
  });
});

describe('library', () => {
  const library = seedLibrary();

  it('looks papers up by key', () => {
    assert.equal(library.paper('ldpruner2024')?.shortName, 'LD-Pruner');
    assert.equal(library.paper('nope'), undefined);
  });

  it('gives every paper a place in the tree, whatever the grouping', () => {
    const hf = Library.fromDigests([{ path: SEED_PATH, text: readSeed() }, { path: '/x/hf.json', text: JSON.stringify(hfSample()) }]);
    for (const grouping of ['technique', 'digest', 'year'] as const) {
      const keys = new Set(hf.paperTree(grouping).flatMap((c) => c.techniques.flatMap((t) => t.papers.map((p) => p.key))));
      assert.equal(keys.size, hf.papers.length, grouping);
      const ids = hf.paperTree(grouping).flatMap((c) => [c.id, ...c.techniques.map((t) => t.id)]);
      assert.equal(new Set(ids).size, ids.length, `${grouping}: unique ids`);
    }
    const other = hf.paperTree('technique').find((c) => c.id === 'other');
    assert.ok(other && other.techniques.every((t) => t.papers.every((p) => p.techniques.length === 0)));
    assert.deepEqual(hf.paperTree('digest').map((c) => c.label), ['daily-papers-parameter-count.txt', 'hf.json']);
  });

  it('prepares in steps, and a note scanned halfway through finds what a prepared library finds', () => {
    const digests = [{ path: SEED_PATH, text: readSeed() }, { path: '/x/hf.json', text: hfDigest(600) }];
    const prepared = Library.fromDigests(digests);
    let steps = 0;
    for (const preparing = prepared.prepare(); !preparing.next().done; ) steps++;
    assert.ok(steps > 3, `${steps} steps for ${prepared.size} papers`);
    const names = prepared.papers.filter((p) => p.shortName && p.shortName.length > 4).slice(0, 40).map((p) => p.shortName);
    const note = `${names.join(' improves on ')}.`;
    const found = prepared.scanNote(note).mentions;
    assert.ok(found.length > 10, `control: the note names papers (${found.length})`);

    const halfway = Library.fromDigests(digests);
    const preparing = halfway.prepare();
    preparing.next();
    preparing.next();
    assert.deepEqual(halfway.scanNote(note).mentions, found, 'the matcher finished for the scan');
    let left = 0;
    while (!preparing.next().done) left++;
    assert.ok(left >= 1 && left < steps - 1, `the rest of the preparation, without the matcher's steps (${left} of ${steps})`);
    assert.deepEqual(halfway.scanNote(note).mentions, found);
  });

  it('gives the tree its groups as places, each technique sorted as asked (what the engine sends the editor)', () => {
    const hf = Library.fromDigests([{ path: SEED_PATH, text: readSeed() }, { path: '/x/hf.json', text: JSON.stringify(hfSample()) }]);
    const orders = {
      date: newestFirst,
      upvotes: (a: Paper, b: Paper) => (b.upvotes ?? -1) - (a.upvotes ?? -1) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0),
      // By name as a person reads it: case and accents aside.
      title: (a: Paper, b: Paper) => (a.shortName ?? a.title).localeCompare(b.shortName ?? b.title, undefined, { sensitivity: 'base' }),
    };
    for (const grouping of ['technique', 'digest', 'year'] as const) {
      for (const [sort, order] of Object.entries(orders) as Array<[keyof typeof orders, (a: Paper, b: Paper) => number]>) {
        const placed = hf.placedTree(grouping, sort);
        const expected = hf.paperTree(grouping, { sorted: false });
        assert.deepEqual(placed.map((c) => [c.id, c.label, c.techniques.map((t) => [t.id, t.label, t.category])]), expected.map((c) => [c.id, c.label, c.techniques.map((t) => [t.id, t.label, t.category])]), `${grouping} by ${sort}: the same groups`);
        placed.forEach((category, i) =>
          category.techniques.forEach((technique, j) => {
            const papers = [...technique.places].map((place) => hf.papers[place]!);
            assert.deepEqual(papers.map((p) => p.key).sort(), expected[i]!.techniques[j]!.papers.map((p) => p.key).sort(), `${grouping} ${technique.id}: its papers`);
            for (let k = 1; k < papers.length; k++) assert.ok(order(papers[k - 1]!, papers[k]!) <= 0, `${grouping} ${technique.id} by ${sort}: ${papers[k - 1]!.key} before ${papers[k]!.key}`);
          }),
        );
        assert.equal(hf.placedTree(grouping, sort), placed, 'kept per grouping and order');
      }
    }
    const byDate = hf.placedTree('technique', 'date').flatMap((c) => c.techniques).find((t) => t.places.length > 3)!;
    const byVotes = hf.placedTree('technique', 'upvotes').flatMap((c) => c.techniques).find((t) => t.id === byDate.id)!;
    assert.notDeepEqual([...byVotes.places], [...byDate.places], 'control: the orders differ');
  });

  it('groups papers by category and technique, newest first, without empty techniques', () => {
    const tree = library.techniqueTree();
    const compression = tree.find((c) => c.id === 'compression')!;
    const pruning = compression.techniques.find((t) => t.id === 'pruning')!;
    assert.ok(pruning.papers.some((p) => p.key === 'ldpruner2024'));
    assert.ok(pruning.papers.some((p) => p.key === 'lotteryticket2018'));
    const dates = pruning.papers.map((p) => p.date ?? '');
    assert.deepEqual(dates, [...dates].sort().reverse());
    for (const c of tree) for (const t of c.techniques) assert.ok(t.papers.length > 0);
  });
});
