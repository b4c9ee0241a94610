import { Library, MentionOptions } from './library';
import { Paper } from './model';
import { NO_BIBLIOGRAPHY, NoteBibliography } from './noteBibliography';
import { NoteScan } from './noteScanner';
import { asciiFold } from './text';

/**
 * What one note can cite: the bibliographies it declares (resolved first, as pandoc
 * resolves them) and the configured digests. Every feature that reads a key in a
 * note (hover, completion, diagnostics, definition, export, `check`) asks this.
 */
export class CitationScope {
  constructor(
    readonly library: Library,
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

  scanNote(markdown: string): NoteScan {
    return this.library.scanNote(markdown, (key) => this.isKnown(key), this.mentions);
  }

  /** The note's own entries matching what was typed (key, family names, title words), then the digests'. */
  completions(prefix: string, limit = 100): Paper[] {
    const folded = asciiFold(prefix);
    const lower = prefix.toLowerCase();
    const entries = completionWords(this.bibliography);
    const byKey = entries.filter((e) => e.key.startsWith(lower));
    const byWords = folded ? entries.filter((e) => !e.key.startsWith(lower) && e.words.some((w) => w.startsWith(folded))) : [];
    // Keys that start with what was typed first, then entries whose title or authors do.
    const own = [...byKey, ...byWords].map((e) => e.paper);
    const found = new Map<string, Paper>();
    for (const p of own) if (found.size < limit) found.set(p.key, p);
    for (const p of this.library.completions(prefix, limit)) if (found.size < limit && !found.has(p.key)) found.set(p.key, p);
    return [...found.values()];
  }
}

/** Each entry's key and folded title and author words, worked out once per bibliography (completion runs on every keystroke). */
const prepared = new WeakMap<NoteBibliography, Array<{ paper: Paper; key: string; words: string[] }>>();

function completionWords(bibliography: NoteBibliography): Array<{ paper: Paper; key: string; words: string[] }> {
  let entries = prepared.get(bibliography);
  if (!entries) {
    entries = bibliography.papers.map((paper) => ({
      paper,
      key: paper.key.toLowerCase(),
      words: `${paper.title} ${paper.authors.join(' ')}`.split(/[\s\-–:,.]+/).map(asciiFold).filter(Boolean),
    }));
    prepared.set(bibliography, entries);
  }
  return entries;
}
