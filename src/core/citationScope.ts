import { MentionOptions } from './library';
import { COMPLETION_ANYWHERE, COMPLETION_TITLE_WORD, CompletionEntry, CompletionNames, completionEntry, completionNames, matchQuality } from './completionMatch';
import { Paper, newestFirst } from './model';
import { NO_BIBLIOGRAPHY, NoteBibliography } from './noteProject';
import type { NoteScan } from './noteScanner';
import { Taxonomy } from './techniques';
import { asciiFold } from './text';

/** A note's own bibliography's keys (a Map or Set of them). */
export type OwnKeys = { has(key: string): boolean; keys(): Iterable<string> };

/**
 * What a scope needs of the library: its papers by key at once; note scanning and
 * completion maybe from another thread (the editor's library engine runs in a worker).
 */
export interface LibraryAccess {
  readonly taxonomy: Taxonomy;
  /** How many papers. */
  readonly size: number;
  paper(key: string): Paper | undefined;
  scanNote(markdown: string, mentions: MentionOptions, ownKeys: OwnKeys): NoteScan | Promise<NoteScan>;
  completionEntries(prefix: string, limit: number): CompletionEntry[] | Promise<CompletionEntry[]>;
}

/**
 * What one note can cite: the bibliographies it declares (resolved first, as pandoc
 * resolves them) and the configured digests. Every feature that reads a key in a
 * note (hover, completion, diagnostics, definition, export, `check`) asks this.
 */
export class CitationScope {
  constructor(
    readonly library: LibraryAccess,
    readonly bibliography: NoteBibliography = NO_BIBLIOGRAPHY,
    readonly mentions: MentionOptions = {},
  ) {}

  paper(key: string): Paper | undefined {
    return this.bibliography.byKey.get(key) ?? this.library.paper(key);
  }

  isKnown(key: string): boolean {
    return this.paper(key) !== undefined;
  }

  /** Whether the key is one of the note's own bibliography (not of the digests). */
  isDeclared(key: string): boolean {
    return this.bibliography.byKey.has(key);
  }

  async scanNote(markdown: string): Promise<NoteScan> {
    return this.library.scanNote(markdown, this.mentions, this.bibliography.byKey);
  }

  /**
   * The note's own entries matching what was typed, ranked as the digests' are (key or
   * name first, then title and author words: completionMatch.ts), then the digests'.
   */
  async completions(prefix: string, limit = 100): Promise<CompletionEntry[]> {
    const folded = asciiFold(prefix);
    const typed = prefix.toLowerCase();
    const own: Array<{ paper: Paper; quality: number }> = [];
    for (const entry of completionWords(this.bibliography)) {
      let quality = matchQuality(entry, typed, folded);
      if (quality === COMPLETION_TITLE_WORD && !(folded && entry.words.some((w) => w.startsWith(folded)))) {
        quality = entry.key.includes(typed) ? COMPLETION_ANYWHERE : -1;
      }
      if (quality >= 0) own.push({ paper: entry.paper, quality });
    }
    own.sort((a, b) => a.quality - b.quality || newestFirst(a.paper, b.paper));
    const found = new Map<string, CompletionEntry>();
    for (const { paper } of own) if (found.size < limit) found.set(paper.key, completionEntry(paper));
    for (const entry of await this.library.completionEntries(prefix, limit)) if (found.size < limit && !found.has(entry.key)) found.set(entry.key, entry);
    return [...found.values()];
  }
}

type OwnEntry = CompletionNames & { words: string[] };

/** Each entry's key, names and folded title and author words, worked out once per bibliography (completion runs on every keystroke). */
const prepared = new WeakMap<NoteBibliography, OwnEntry[]>();

function completionWords(bibliography: NoteBibliography): OwnEntry[] {
  let entries = prepared.get(bibliography);
  if (!entries) {
    entries = bibliography.papers.map((paper) => ({
      ...completionNames(paper),
      words: `${paper.title} ${paper.authors.join(' ')}`.split(/[\s\-–:,.]+/).map(asciiFold).filter(Boolean),
    }));
    prepared.set(bibliography, entries);
  }
  return entries;
}
