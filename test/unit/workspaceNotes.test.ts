import assert from 'node:assert/strict';
import { CitationScope } from '../../src/core/citationScope';
import { Library } from '../../src/core/library';
import { WorkspaceNoteIndex } from '../../src/core/workspaceNotes';
import { SEED_PATH, readSeed } from './fixtures';

/** The workspace note index over notes in a map: what the editor gives it over findFiles and the file system. */
describe('the workspace note index, over in-memory notes', () => {
  const library = Library.fromDigests([{ path: SEED_PATH, text: readSeed() }]);

  function setup(notes: Record<string, string | undefined>) {
    const files = new Map(Object.entries(notes));
    const calls = { listed: 0, read: 0 };
    const index = new WorkspaceNoteIndex(
      {
        listNotes: async () => {
          calls.listed++;
          return [...files.keys()];
        },
        readNote: async (note) => {
          calls.read++;
          return files.get(note);
        },
      },
      async () => new CitationScope(library),
    );
    return { files, index, calls };
  }

  it('finds which notes cite or name a paper, citations and names told apart, citing notes first', async () => {
    const { index } = setup({
      'file:///w/a.md': 'We prune as in [@ldpruner2024] and [@lotteryticket2018].\n\nLD-Pruner again: [@ldpruner2024].',
      'file:///w/b.md': 'LD-Pruner is named here, not cited.',
      'file:///w/c.md': 'Nothing about papers.',
    });
    let changes = 0;
    index.onDidChange(() => changes++);
    await index.scanAll();
    const uses = index.notesFor('ldpruner2024');
    assert.deepEqual(uses.map((u) => [u.note, u.cited, u.count]), [['file:///w/a.md', 2, 3], ['file:///w/b.md', 0, 1]]);
    assert.deepEqual(uses[0]!.first, { start: { line: 0, character: 16 }, end: { line: 0, character: 29 } });
    assert.equal(index.locations('ldpruner2024').length, 4);
    assert.deepEqual(index.citedPapers().map((p) => p.key), ['ldpruner2024', 'lotteryticket2018']);
    assert.equal(changes, 1);
  });

  it('forgets a note that was deleted or can no longer be read, and rescans a saved one', async () => {
    const { files, index } = setup({ 'file:///w/a.md': '[@ldpruner2024]', 'file:///w/b.md': '[@ldpruner2024]' });
    await index.scanAll();
    assert.equal(index.notesFor('ldpruner2024').length, 2);
    files.set('file:///w/a.md', undefined); // unreadable now
    await index.noteChanged('file:///w/a.md');
    assert.deepEqual(index.notesFor('ldpruner2024').map((u) => u.note), ['file:///w/b.md']);
    await index.noteDeleted('file:///w/b.md');
    assert.deepEqual(index.notesFor('ldpruner2024'), []);
    assert.deepEqual(index.citedPapers(), []);
    // The control: a saved note with a new citation is found again.
    files.set('file:///w/b.md', 'Now citing [@lotteryticket2018].');
    await index.noteChanged('file:///w/b.md');
    assert.deepEqual(index.citedPapers().map((p) => p.key), ['lotteryticket2018']);
  });

  it('drops notes that are gone when everything is scanned again', async () => {
    const { files, index } = setup({ 'file:///w/a.md': '[@ldpruner2024]', 'file:///w/b.md': '[@ldpruner2024]' });
    await index.scanAll();
    files.delete('file:///w/a.md');
    await index.scanAll();
    assert.deepEqual(index.notesFor('ldpruner2024').map((u) => u.note), ['file:///w/b.md']);
  });

  it('lists the notes once: a library change scans the notes it knows, with those created since, without a file search', async () => {
    const { files, index, calls } = setup({ 'file:///w/a.md': '[@ldpruner2024]' });
    await index.scanAll();
    files.set('file:///w/b.md', '[@ldpruner2024]');
    await index.noteChanged('file:///w/b.md'); // the watcher's create event
    await index.scanAll();
    assert.equal(calls.listed, 1, 'listed once');
    assert.deepEqual(index.notesFor('ldpruner2024').map((u) => u.note), ['file:///w/a.md', 'file:///w/b.md']);
    // A note no watcher told of (it came with a renamed folder) is found when the notes are listed again: the control.
    files.set('file:///w/moved/c.md', '[@ldpruner2024]');
    await index.scanAll();
    assert.equal(index.notesFor('ldpruner2024').length, 2, 'not listed, not found');
    await index.relist();
    assert.equal(calls.listed, 2);
    assert.equal(index.notesFor('ldpruner2024').length, 3);
  });

  it('scans every note once for a burst of library changes, and a note told of twice once', async () => {
    const { index, calls } = setup({ 'file:///w/a.md': '[@ldpruner2024]', 'file:///w/b.md': 'LD-Pruner' });
    await Promise.all(Array.from({ length: 20 }, () => index.scanAll()));
    assert.equal(calls.read, 2, 'one scan of the two notes');
    await Promise.all([index.noteChanged('file:///w/a.md'), index.noteChanged('file:///w/a.md')]); // saved: the save and the change on disk
    assert.equal(calls.read, 3);
    await index.scanAll();
    assert.equal(calls.read, 5, 'the control: a change after the scan began gets a scan of its own');
  });
});
