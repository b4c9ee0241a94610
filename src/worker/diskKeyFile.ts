import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyFileDisk } from '../core/engineProtocol';
import { decodeText } from '../core/text';

/**
 * The workspace's key file on this machine's disk, read and written by the engine's worker
 * (see core/keyFileStore.ts). As the editor did: written in place (a link to a file
 * elsewhere stays one), a file that cannot be read is taken as none.
 */
export const diskKeyFile: KeyFileDisk = {
  async stamp(file) {
    try {
      const { mtimeMs, size } = await stat(file);
      return `${mtimeMs}:${size}`;
    } catch {
      return undefined;
    }
  },
  async read(file) {
    try {
      return decodeText(await readFile(file));
    } catch {
      return undefined;
    }
  },
  async write(file, text) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    return diskKeyFile.stamp(file);
  },
};
