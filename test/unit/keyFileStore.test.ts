import assert from 'node:assert/strict';
import { KeyFileDisk, KeyFileRequest, KeyFileText } from '../../src/core/engineProtocol';
import { keyFileStore } from '../../src/core/keyFileStore';
import { KeyMemory } from '../../src/core/keyMemory';

const PATH = '/w/.paper-digest/keys.tsv';
const LD_PRUNER = { arxivId: '2404.11936', doi: '', title: 'LD-Pruner: Efficient Pruning of Latent Diffusion Models', date: '2024-04-18' };
const LORA = { arxivId: '2106.09685', doi: '', title: 'LoRA: Low-Rank Adaptation of Large Language Models', date: '2021-06-17' };

/** A key file, its stamp changing with every write (as a modification time does), reachable by the editor or on disk. */
class KeyFileDouble {
  text: string | undefined;
  private writes = 0;
  /** Texts read out of the file (by either side) and written into it. */
  reads = 0;
  editorWrites = 0;
  readonly requests: KeyFileRequest[] = [];

  constructor(private readonly onDisk: boolean, private readonly mayCreate = true) {}

  /** Another writer (a pull, the CLI) changes the file. */
  changeBySomeoneElse(text: string | undefined): void {
    this.text = text;
    this.writes++;
  }

  private stamp(): string | undefined {
    return this.text === undefined ? undefined : `t${this.writes}:${this.text.length}`;
  }

  readonly editor = {
    read: async (request: KeyFileRequest): Promise<KeyFileText> => {
      this.requests.push(request);
      const where = { path: PATH, mayCreate: this.mayCreate };
      if (request.onDisk && this.onDisk) return { ...where, file: PATH };
      const stamp = this.stamp();
      if (stamp === undefined || stamp === request.unlessStamp) return { ...where, stamp };
      this.reads++;
      return { ...where, stamp, text: this.text };
    },
    write: async (text: string): Promise<string | undefined> => {
      this.editorWrites++;
      this.changeBySomeoneElse(text);
      return this.stamp();
    },
  };

  readonly disk: KeyFileDisk = {
    stamp: async () => this.stamp(),
    read: async () => {
      this.reads++;
      return this.text;
    },
    write: async (_file, text) => {
      this.changeBySomeoneElse(text);
      return this.stamp();
    },
  };
}

function memoryWith(...papers: Array<{ key: string } & typeof LD_PRUNER>): KeyMemory {
  const memory = new KeyMemory();
  for (const { key, ...paper } of papers) memory.remember(key, paper);
  return memory;
}

describe('key file store (the engine side of the workspace key file)', () => {
  for (const onDisk of [true, false]) {
    const where = onDisk ? 'on this machine\'s disk (the engine reads it)' : 'read through the editor';
    it(`knows the change event of its own write without reading the file again, and reads another writer's change: ${where}`, async () => {
      const file = new KeyFileDouble(onDisk);
      const store = keyFileStore(file.editor, onDisk ? file.disk : undefined, () => undefined);
      assert.equal((await store.read()).text, '', 'no file yet');
      const memory = memoryWith({ key: 'ldpruner2024', ...LD_PRUNER });
      const written = await store.write(memory);
      assert.match(file.text ?? '', /^ldpruner2024\t2404\.11936/m);
      assert.equal(written, file.text);
      const readsAfterWrite = file.reads;
      assert.equal(await store.readChanged(), undefined, 'our own write is not a change');
      assert.equal(file.reads, readsAfterWrite, 'and the file was not read for it');
      file.changeBySomeoneElse(file.text!.replace('ldpruner2024', 'mypruner'));
      const changed = await store.readChanged();
      assert.match(changed?.text ?? '', /^mypruner\t/m, 'the control: another writer\'s change is read');
      assert.equal(changed?.path, PATH);
      assert.equal(await store.readChanged(), undefined, 'and once read, it is known');
      assert.equal(file.editorWrites, onDisk ? 0 : 1, onDisk ? 'the editor wrote nothing' : 'the editor wrote the text');
    });
  }

  it('a file written again as it was (touched) is no change; a deleted one is: its keys are gone', async () => {
    const file = new KeyFileDouble(true);
    file.changeBySomeoneElse(memoryWith({ key: 'ldpruner2024', ...LD_PRUNER }).serialize());
    const store = keyFileStore(file.editor, file.disk, () => undefined);
    await store.read();
    file.changeBySomeoneElse(file.text);
    assert.equal(await store.readChanged(), undefined, 'the same text under a new stamp');
    file.changeBySomeoneElse(undefined);
    assert.deepEqual(await store.readChanged(), { text: '', path: PATH }, 'deleted: an empty memory');
  });

  it('keeps the keys another writer added since it read the file, when it writes its own', async () => {
    const file = new KeyFileDouble(true);
    const store = keyFileStore(file.editor, file.disk, () => undefined);
    await store.read();
    file.changeBySomeoneElse(memoryWith({ key: 'lora2021', ...LORA }).serialize()); // the CLI, meanwhile
    await store.write(memoryWith({ key: 'ldpruner2024', ...LD_PRUNER }));
    assert.match(file.text ?? '', /^ldpruner2024\t/m);
    assert.match(file.text ?? '', /^lora2021\t/m, 'the other writer\'s key is kept');
  });

  it('through the editor, asks for the text only when the stamp is not the one it knows', async () => {
    const file = new KeyFileDouble(false);
    file.changeBySomeoneElse(memoryWith({ key: 'ldpruner2024', ...LD_PRUNER }).serialize());
    const store = keyFileStore(file.editor, undefined, () => undefined);
    await store.read();
    const memory = KeyMemory.parse(file.text!, PATH).memory;
    memory.remember('lora2021', LORA);
    await store.write(memory);
    assert.equal(file.reads, 1, 'the write did not fetch the text it knew');
    assert.equal(file.requests.at(-1)?.unlessStamp, 't1:' + memoryWith({ key: 'ldpruner2024', ...LD_PRUNER }).serialize().length, 'it named the stamp it knew');
  });

  it('creates no file where it may not (a folder that only reads the bundled digest), but keeps one that exists', async () => {
    const none = new KeyFileDouble(true, false);
    const store = keyFileStore(none.editor, none.disk, () => undefined);
    await store.read();
    await store.write(memoryWith({ key: 'ldpruner2024', ...LD_PRUNER }));
    assert.equal(none.text, undefined, 'not created');
    const existing = new KeyFileDouble(true, false);
    existing.changeBySomeoneElse(memoryWith({ key: 'lora2021', ...LORA }).serialize());
    const kept = keyFileStore(existing.editor, existing.disk, () => undefined);
    await kept.read();
    await kept.write(memoryWith({ key: 'ldpruner2024', ...LD_PRUNER }));
    assert.match(existing.text ?? '', /^ldpruner2024\t/m, 'the control: an existing file is written');
  });

  it('takes the file sent with the load instead of asking for it', async () => {
    const file = new KeyFileDouble(false);
    const store = keyFileStore(file.editor, undefined, () => ({ path: PATH, text: 'sent\t\t\t2024\tA Paper\n', mayCreate: true }));
    assert.equal((await store.read()).text, 'sent\t\t\t2024\tA Paper\n');
    assert.equal(file.requests.length, 0, 'nothing asked');
  });

  it('reads through the editor a file the load named on disk to an engine that does not read the disk', async () => {
    const file = new KeyFileDouble(false);
    file.changeBySomeoneElse(memoryWith({ key: 'lora2021', ...LORA }).serialize());
    const store = keyFileStore(file.editor, undefined, () => ({ path: PATH, file: PATH, mayCreate: true }));
    assert.match((await store.read()).text, /^lora2021\t/m);
    assert.deepEqual(file.requests.map((r) => r.onDisk), [false], 'asked for the text');
  });
});
