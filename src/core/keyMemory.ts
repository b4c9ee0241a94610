import { Paper, Problem } from './model';
import { normalizeTitle } from './text';

/**
 * The citation keys Paper Digest has handed out, remembered in the workspace so that
 * a key stays with its paper whatever digests come and go, and so that the CLI, the
 * editor and collaborators agree. A small tab-separated file, one key a line, sorted,
 * meant to be committed beside the notes:
 *
 *     # key        arxiv        doi   year  title
 *     ldpruner2024 2404.11936         2024  LD-Pruner: Efficient Pruning of …
 *
 * A paper is recognised by its arXiv id or DOI, else by its title and year. Keys of
 * papers no longer in any digest stay reserved, so no other paper can take them.
 */

export const KEY_MEMORY_FILE = '.paper-digest/keys.tsv';

const HEADER = [
  '# Paper Digest citation keys: each key stays with its paper. Commit this file beside your notes.',
  '# Edit with care: a line is a key, then the paper it means (arXiv id, DOI, year, title), separated by tabs.',
  '# key\tarxiv\tdoi\tyear\ttitle',
];

export interface RememberedKey {
  key: string;
  arxivId: string;
  doi: string;
  year: string;
  title: string;
}

type Identity = Pick<Paper, 'arxivId' | 'doi' | 'title' | 'date'>;

/** Remembered keys by what recognises their paper. */
interface IdentityIndex {
  byArxiv: Map<string, RememberedKey[]>;
  byDoi: Map<string, RememberedKey[]>;
  byTitle: Map<string, RememberedKey[]>;
}

export class KeyMemory {
  private readonly byKey = new Map<string, RememberedKey>();
  /**
   * The entries by arXiv id, DOI and normalised title, made when a paper is first looked up:
   * a first build of 50,000 papers looks up an empty memory, then remembers a key for each,
   * and normalising their titles for an index no one reads until the next build took ~0.1 s.
   */
  private identities: IdentityIndex | undefined;
  /** Whether the memory differs from the file it was read from (new keys, repaired lines). */
  changed = false;

  constructor(entries: readonly RememberedKey[] = []) {
    for (const entry of entries) this.add(entry);
  }

  /**
   * Reads a key file. Lines it cannot use are problems at their line, and the
   * memory is marked changed so that the next save repairs the file; a key on two
   * lines keeps the first (its notes keep citing the paper they cited first).
   */
  static parse(text: string, path: string): { memory: KeyMemory; problems: Problem[] } {
    const memory = new KeyMemory();
    const problems: Problem[] = [];
    const lines = text.split(/\r\n|\r|\n/);
    lines.forEach((line, i) => {
      if (!line.trim() || line.startsWith('#')) return;
      const [key = '', arxivId = '', doi = '', year = '', ...title] = line.split('\t');
      const entry: RememberedKey = { key: key.trim(), arxivId: arxivId.trim(), doi: doi.trim(), year: year.trim(), title: title.join(' ').trim() };
      if (!entry.key || /\s/.test(entry.key) || (!entry.arxivId && !entry.doi && !entry.title)) {
        problems.push({ path, line: i, severity: 'warning', message: `Line ${i + 1} is not a key line (key, arXiv id, DOI, year and title separated by tabs); ignored and removed on the next save.` });
        memory.changed = true;
        return;
      }
      if (memory.byKey.has(entry.key)) {
        problems.push({ path, line: i, severity: 'warning', message: `Line ${i + 1}: the key "${entry.key}" is already given to another paper on an earlier line; that one keeps it, this line is removed on the next save.` });
        memory.changed = true;
        return;
      }
      memory.add(entry);
    });
    return { memory, problems };
  }

  /** The file's text: sorted by key, so that two people's additions merge cleanly in version control. */
  serialize(): string {
    const rows = [...this.byKey.values()]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((e) => [e.key, e.arxivId, e.doi, e.year, e.title.replace(/\s+/g, ' ')].join('\t'));
    return [...HEADER, ...rows].join('\n') + '\n';
  }

  get size(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  entry(key: string): RememberedKey | undefined {
    return this.byKey.get(key);
  }

  /** The keys remembered for this paper, sorted (every one of them still resolves to it). */
  keysFor(paper: Identity): string[] {
    if (this.byKey.size === 0) return [];
    const { byArxiv, byDoi, byTitle } = this.identityIndex();
    const found = new Set<RememberedKey>();
    if (paper.arxivId) for (const e of byArxiv.get(paper.arxivId) ?? []) found.add(e);
    if (paper.doi) for (const e of byDoi.get(paper.doi.toLowerCase()) ?? []) found.add(e);
    for (const e of byTitle.get(normalizeTitle(paper.title)) ?? []) if (sameByTitle(e, paper)) found.add(e);
    return [...found].map((e) => e.key).sort();
  }

  /** Remembers a key handed out to a paper. */
  remember(key: string, paper: Identity): void {
    if (this.byKey.has(key)) return;
    this.add({ key, arxivId: paper.arxivId ?? '', doi: paper.doi ?? '', year: paper.date?.slice(0, 4) ?? '', title: paper.title.replace(/\s+/g, ' ').trim() });
    this.changed = true;
  }

  /** Takes in keys another writer remembered that this memory does not have (theirs are handed out too). */
  absorb(other: KeyMemory): void {
    for (const entry of other.byKey.values()) {
      if (this.byKey.has(entry.key)) continue;
      this.add(entry);
      this.changed = true;
    }
  }

  /** Forgets a key (a user's own bibliography now gives it to another paper). */
  forget(key: string): void {
    const entry = this.byKey.get(key);
    if (!entry) return;
    this.byKey.delete(key);
    const drop = (map: Map<string, RememberedKey[]>, k: string) => {
      const list = map.get(k)?.filter((e) => e !== entry);
      if (list?.length) map.set(k, list);
      else map.delete(k);
    };
    const identities = this.identities;
    if (identities) {
      if (entry.arxivId) drop(identities.byArxiv, entry.arxivId);
      if (entry.doi) drop(identities.byDoi, entry.doi.toLowerCase());
      drop(identities.byTitle, normalizeTitle(entry.title));
    }
    this.changed = true;
  }

  private add(entry: RememberedKey): void {
    this.byKey.set(entry.key, entry);
    if (this.identities) indexIdentity(this.identities, entry);
  }

  private identityIndex(): IdentityIndex {
    if (!this.identities) {
      this.identities = { byArxiv: new Map(), byDoi: new Map(), byTitle: new Map() };
      for (const entry of this.byKey.values()) indexIdentity(this.identities, entry);
    }
    return this.identities;
  }
}

function indexIdentity(identities: IdentityIndex, entry: RememberedKey): void {
  const push = (map: Map<string, RememberedKey[]>, k: string) => {
    const list = map.get(k);
    if (list) list.push(entry);
    else map.set(k, [entry]);
  };
  if (entry.arxivId) push(identities.byArxiv, entry.arxivId);
  if (entry.doi) push(identities.byDoi, entry.doi.toLowerCase());
  if (entry.title) push(identities.byTitle, normalizeTitle(entry.title));
}

/** A title match counts when years agree and no identifier says they are different papers. */
function sameByTitle(entry: RememberedKey, paper: Identity): boolean {
  if (entry.arxivId && paper.arxivId && entry.arxivId !== paper.arxivId) return false;
  if (entry.doi && paper.doi && entry.doi.toLowerCase() !== paper.doi.toLowerCase()) return false;
  const year = paper.date?.slice(0, 4) ?? '';
  return !entry.year || !year || entry.year === year;
}
