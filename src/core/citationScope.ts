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
    const byKey = (p: Paper) => p.key.toLowerCase().startsWith(prefix.toLowerCase());
    const byWords = (p: Paper) => !!folded && `${p.title} ${p.authors.join(' ')}`.split(/[\s\-–:,.]+/).some((w) => asciiFold(w).startsWith(folded));
    // Keys that start with what was typed first, then entries whose title or authors do.
    const own = [...this.bibliography.papers.filter(byKey), ...this.bibliography.papers.filter((p) => !byKey(p) && byWords(p))];
    const found = new Map<string, Paper>();
    for (const p of own) if (found.size < limit) found.set(p.key, p);
    for (const p of this.library.completions(prefix, limit)) if (found.size < limit && !found.has(p.key)) found.set(p.key, p);
    return [...found.values()];
  }
}
