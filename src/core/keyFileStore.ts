import { KeyFileDisk, KeyFileRequest, KeyFileText } from './engineProtocol';
import { KEY_MEMORY_FILE, KeyMemory } from './keyMemory';
import { KeyFile, KeyStore } from './libraryLoader';

/** The key file as the editor reaches it: `keys.read` and `keys.write` (which answers the file's stamp after the write). */
export interface KeyFileEditor {
  read(request: KeyFileRequest): Promise<KeyFileText>;
  write(text: string): Promise<string | undefined>;
}

/**
 * The workspace's key file for the library engine. The editor says where it is and whether
 * it may be created; a file on this machine's disk is read and written by the engine itself
 * where it can (`disk`, a Node worker: at 50,000 papers the file is ~3 MB, read, decoded and
 * passed between threads by the editor's thread at every start before), elsewhere through
 * the editor. The store remembers the file as it last read or wrote it (text and stamp):
 *
 * - writing keeps any key another writer added since (the CLI in a terminal, a
 *   collaborator's pull): both sets of keys are handed out already;
 * - `readChanged` knows the change event of our own write by the file's stamp, and does not
 *   read the file again.
 */
export function keyFileStore(editor: KeyFileEditor, disk: KeyFileDisk | undefined, sentWithLoad: () => KeyFileText | undefined): KeyStore {
  let known: { text: string | undefined; stamp: string | undefined } | undefined;
  /** The file now: where it is, its stamp, and its text unless its stamp is `unlessStamp`. */
  const current = async (located: KeyFileText | undefined, unlessStamp?: string): Promise<KeyFileText> => {
    const file = located ?? (await editor.read({ onDisk: !!disk, unlessStamp }));
    if (file.file === undefined) return file;
    // Named to an engine that does not read the disk (the answer sent with `load` guessed): the editor reads it.
    if (!disk) return editor.read({ onDisk: false, unlessStamp });
    const stamp = await disk.stamp(file.file);
    if (stamp !== undefined && stamp === unlessStamp) return { ...file, stamp };
    return { ...file, stamp, text: await disk.read(file.file) };
  };
  /** Whether the file is as we last read or wrote it, by its stamp (then its text was not read). */
  const asKnown = (file: KeyFileText) => known !== undefined && file.stamp !== undefined && file.stamp === known.stamp;
  const keyFile = (file: KeyFileText): KeyFile => {
    known = { text: file.text, stamp: file.stamp };
    return { text: file.text ?? '', path: file.path ?? KEY_MEMORY_FILE };
  };
  return {
    async read() {
      return keyFile(await current(sentWithLoad()));
    },
    async readChanged() {
      const file = await current(undefined, known?.stamp);
      if (asKnown(file)) return undefined;
      if (known && file.text === known.text) {
        known.stamp = file.stamp; // touched, or written again as it was
        return undefined;
      }
      return keyFile(file);
    },
    async write(memory) {
      const file = await current(undefined, known?.stamp);
      const now = asKnown(file) ? known!.text : file.text;
      if (!file.path || (now === undefined && !file.mayCreate)) return memory.serialize();
      if (now !== undefined && now !== known?.text) memory.absorb(KeyMemory.parse(now, file.path).memory);
      const text = memory.serialize();
      memory.changed = false;
      if (text === now) {
        known = { text, stamp: file.stamp };
        return text;
      }
      const stamp = file.file !== undefined && disk ? await disk.write(file.file, text) : await editor.write(text);
      known = { text, stamp };
      return text;
    },
  };
}
