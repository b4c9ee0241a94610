import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotFileName } from '../../src/core/engineProtocol';
import { folderSnapshots, readIndexEarly } from '../../src/worker/folderSnapshots';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

describe('the saved index in a local folder', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'paper-digest-folder-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('starts reading the index in the folder at once, before the engine knows which one it wants', async () => {
    writeFileSync(join(folder, snapshotFileName('wanted')), 'saved bytes');
    const files = folderSnapshots(folder);
    await sleep(200);
    // Gone from the disk now: what the engine gets was read when the folder was opened.
    rmSync(join(folder, snapshotFileName('wanted')));
    assert.equal(text(await files.read('wanted')), 'saved bytes');
    // Control: a file read when asked for is read then (its deletion is seen).
    assert.equal(await files.read('wanted'), undefined);
  });

  it('takes the read the worker began before the engine was loaded, for that folder only', async () => {
    writeFileSync(join(folder, snapshotFileName('wanted')), 'read early');
    readIndexEarly(folder);
    await sleep(200);
    rmSync(join(folder, snapshotFileName('wanted')));
    writeFileSync(join(folder, snapshotFileName('wanted')), 'written since');
    assert.equal(text(await folderSnapshots(folder).read('wanted')), 'read early');
    // Taken once: the next opening of the folder reads it anew.
    assert.equal(text(await folderSnapshots(folder).read('wanted')), 'written since');

    const other = mkdtempSync(join(tmpdir(), 'paper-digest-folder-'));
    try {
      readIndexEarly(folder);
      assert.equal(await folderSnapshots(other).read('wanted'), undefined, 'another folder reads its own');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('reads the index asked for when the one in the folder is another', async () => {
    writeFileSync(join(folder, snapshotFileName('older')), 'older bytes');
    const files = folderSnapshots(folder);
    writeFileSync(join(folder, snapshotFileName('wanted')), 'wanted bytes');
    assert.equal(text(await files.read('wanted')), 'wanted bytes');
    assert.equal(await files.read('missing'), undefined);
  });

  it('never hands out bytes read before a write or a delete', async () => {
    writeFileSync(join(folder, snapshotFileName('key')), 'before');
    const files = folderSnapshots(folder);
    await files.write('key', new TextEncoder().encode('after'));
    assert.equal(text(await files.read('key')), 'after');
    assert.deepEqual(readdirSync(folder), [snapshotFileName('key')]);

    const again = folderSnapshots(folder);
    await again.delete('key');
    assert.equal(await again.read('key'), undefined);
  });

  it('starts with nothing to read in a folder not made yet', async () => {
    const files = folderSnapshots(join(folder, 'not-yet'));
    assert.equal(await files.read('key'), undefined);
    await files.write('key', new TextEncoder().encode('first'));
    assert.equal(text(await files.read('key')), 'first');
  });
});
