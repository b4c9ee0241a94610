import { LineCounter, parse, parseDocument } from 'yaml';
import { cslPapers } from './formats/cslJson';
import { frontMatter } from './frontMatter';
import { Paper, Problem } from './model';
import { BOOKDOWN_INDEX, BibliographyReader, Declaration, NO_BIBLIOGRAPHY, NoteBibliography, ProjectFiles, QUARTO_METADATA, QUARTO_PROJECT, isProjectFile } from './noteProject';

export { NO_BIBLIOGRAPHY } from './noteProject';
export type { BibliographyReader, Declaration, NoteBibliography, ProjectFiles } from './noteProject';

/**
 * The bibliographies a note declares, found the way pandoc, Quarto and bookdown find
 * them, with no setting: the note's YAML front matter (`bibliography:`, one path or a
 * list, relative to the note; `references:`, inline CSL items), else the nearest
 * Quarto `_metadata.yml`, else the Quarto project's `_quarto.yml`, else, for an R
 * Markdown chapter, the front matter of its book's `index.Rmd`.
 *
 * Paths here are `/`-separated strings in one name space (file system paths, or URI
 * paths in a virtual workspace): the editor and the CLI convert at their edges.
 */



export interface FrontMatter {
  /** The parsed YAML mapping, or null when the text has no front matter (or it is not a mapping). */
  data: Record<string, unknown> | null;
  /** 0-based line of a top-level key's value, for problems. */
  lineOf(key: string): number;
  problems: Problem[];
}

/** A note's front matter (`---` … `---` at the very start), parsed. A YAML error is a problem at its line. */
export function readFrontMatter(text: string, path: string): FrontMatter {
  const found = frontMatter(text);
  return found ? parseYaml(found.yaml, path, 1) : parseYaml('', path, 0);
}

/** The style a note names in its front matter (`csl: apa` or a path), as pandoc reads it. */
export function declaredCsl(markdown: string): string | undefined {
  const yaml = frontMatter(markdown)?.yaml;
  if (!yaml) return undefined;
  try {
    const value = (parse(yaml) as Record<string, unknown> | null)?.csl;
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** A YAML file (or front matter starting at `firstLine`), parsed without ever throwing. */
export function parseYaml(source: string, path: string, firstLine = 0): FrontMatter {
  const counter = new LineCounter();
  const problems: Problem[] = [];
  let data: Record<string, unknown> | null = null;
  const keyLines = new Map<string, number>();
  if (source.trim()) {
    const doc = parseDocument(source, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
    for (const error of doc.errors) {
      const line = firstLine + Math.max(0, counter.linePos(error.pos[0]).line - 1);
      problems.push({ path, line, severity: 'error', message: `YAML error at line ${line + 1}: ${error.message.split('\n')[0]}` });
    }
    if (!doc.errors.length) {
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      if (value && typeof value === 'object' && !Array.isArray(value)) data = value as Record<string, unknown>;
      const contents = doc.contents as { items?: Array<{ key?: { value?: unknown; range?: number[] } }> } | null;
      for (const item of contents?.items ?? []) {
        const start = item.key?.range?.[0];
        if (typeof item.key?.value === 'string' && start !== undefined) keyLines.set(item.key.value, firstLine + counter.linePos(start).line - 1);
      }
    }
  }
  return { data, problems, lineOf: (key) => keyLines.get(key) ?? firstLine };
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i > 0 ? path.slice(0, i) : '/';
}

/** `base` joined with a relative path (`..` and `.` resolved); an absolute path stays as it is. */
export function joinPath(base: string, relative: string): string {
  const rel = relative.replace(/\\/g, '/');
  const parts = (rel.startsWith('/') || /^[A-Za-z]:\//.test(rel) ? rel : `${base}/${rel}`).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') {
      if (out.length > 1) out.pop();
    } else if (part !== '.' && (part !== '' || out.length === 0)) out.push(part);
  }
  return out.join('/') || '/';
}


/** `bibliography:` and `references:` from parsed metadata, paths resolved against `dir`. */
export function declarationIn(meta: FrontMatter, path: string, dir: string): Declaration | undefined {
  const data = meta.data;
  if (!data) return undefined;
  // Top level, or under one of Quarto's formats (`format: html: bibliography:`).
  const formats = data.format && typeof data.format === 'object' ? Object.values(data.format as Record<string, unknown>) : [];
  const raw = data.bibliography ?? formats.map((f) => (f && typeof f === 'object' ? (f as Record<string, unknown>).bibliography : undefined)).find((b) => b !== undefined);
  const list = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
  const references = Array.isArray(data.references) ? data.references : [];
  if (!list.length && !references.length) return undefined;
  return {
    path,
    line: meta.lineOf(list.length ? 'bibliography' : 'references'),
    bibliographies: list.map((p) => joinPath(dir, p.trim())),
    references,
  };
}


/** How far up from a note to look for project files. */
const MAX_DEPTH = 12;

/**
 * Resolves notes' bibliographies, keeping parsed project and bibliography files until
 * `invalidate` says one changed.
 */
export class NoteBibliographies {
  private readonly texts = new Map<string, Promise<string | undefined>>();
  private readonly parsed = new Map<string, { papers: Paper[]; problems: Problem[] }>();

  constructor(
    private readonly files: ProjectFiles,
    private readonly readBibliography: BibliographyReader,
    /** The workspace root: project files are not looked for above it. */
    private readonly root?: string,
  ) {}

  /** Forgets a file (it changed, was created or deleted). */
  invalidate(path: string): void {
    this.texts.delete(path);
    this.parsed.delete(path);
  }

  /** Whether a change to this file can change some note's bibliography (see noteProject.ts). */
  static isProjectFile(path: string): boolean {
    return isProjectFile(path);
  }

  private read(path: string): Promise<string | undefined> {
    let text = this.texts.get(path);
    if (!text) {
      text = this.files.read(path).catch(() => undefined);
      this.texts.set(path, text);
    }
    return text;
  }

  /** The declaration that applies to a note: its own front matter first, then its project's files. */
  async declarationFor(notePath: string, noteText: string): Promise<{ declaration: Declaration | undefined; problems: Problem[] }> {
    const problems: Problem[] = [];
    const own = readFrontMatter(noteText, notePath);
    problems.push(...own.problems);
    const mine = declarationIn(own, notePath, dirname(notePath));
    if (mine?.bibliographies.length) return { declaration: mine, problems };
    const project = await this.projectDeclaration(notePath, problems);
    // Inline references of the note stay with whatever bibliography the project declares.
    if (mine && project) return { declaration: { ...project, references: [...mine.references, ...project.references] }, problems };
    return { declaration: mine ?? project, problems };
  }

  private async projectDeclaration(notePath: string, problems: Problem[]): Promise<Declaration | undefined> {
    const noteDir = dirname(notePath);
    // The nearest `_metadata.yml` that declares a bibliography wins over the project's `_quarto.yml`.
    let nearest: Declaration | undefined;
    let dir = noteDir;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      nearest ??= (await this.yamlFile(joinPath(dir, QUARTO_METADATA), problems)).declaration;
      const quarto = await this.yamlFile(joinPath(dir, QUARTO_PROJECT), problems);
      if (quarto.exists) return nearest ?? quarto.declaration;
      if (dir === '/' || dir === this.root || !dir.includes('/')) break;
      dir = dirname(dir);
    }
    if (nearest) return nearest;
    if (/\.r(md|markdown)$/i.test(notePath) && !notePath.endsWith(`/${BOOKDOWN_INDEX}`)) {
      const indexPath = joinPath(noteDir, BOOKDOWN_INDEX);
      const index = await this.read(indexPath);
      if (index !== undefined) {
        const meta = readFrontMatter(index, indexPath);
        problems.push(...meta.problems);
        return declarationIn(meta, indexPath, noteDir);
      }
    }
    return undefined;
  }

  private async yamlFile(path: string, problems: Problem[]): Promise<{ exists: boolean; declaration?: Declaration }> {
    const text = await this.read(path);
    if (text === undefined) return { exists: false };
    const meta = parseYaml(text, path);
    problems.push(...meta.problems);
    return { exists: true, declaration: declarationIn(meta, path, dirname(path)) };
  }

  /** The note's bibliography: the declared files parsed (each once), plus inline references. */
  async resolve(notePath: string, noteText: string): Promise<NoteBibliography> {
    const { declaration, problems } = await this.declarationFor(notePath, noteText);
    if (!declaration) return problems.length ? { ...NO_BIBLIOGRAPHY, problems } : NO_BIBLIOGRAPHY;
    const papers: Paper[] = [];
    for (const path of declaration.bibliographies) {
      const parsed = await this.bibliography(path);
      if (!parsed) {
        problems.push({
          path: declaration.path,
          line: declaration.line,
          severity: 'error',
          message: `The bibliography ${path} declared at line ${declaration.line + 1} does not exist or cannot be read.`,
        });
        continue;
      }
      papers.push(...parsed.papers);
      problems.push(...parsed.problems);
    }
    if (declaration.references.length) {
      const elements = declaration.references.map((value) => ({ value, line: declaration.line }));
      papers.push(...cslPapers(elements, declaration.path, problems));
    }
    const byKey = new Map<string, Paper>();
    for (const paper of papers) if (paper.key) byKey.set(paper.key, paper);
    return { declaration, papers, byKey, problems };
  }

  private async bibliography(path: string): Promise<{ papers: Paper[]; problems: Problem[] } | undefined> {
    const known = this.parsed.get(path);
    if (known) return known;
    const text = await this.read(path);
    if (text === undefined) return undefined;
    const result = /\.ya?ml$/i.test(path) ? yamlBibliography(text, path) : this.readBibliography(text, path);
    this.parsed.set(path, result);
    return result;
  }
}

/** A CSL YAML bibliography file (`references:` at the top, as pandoc writes it). */
function yamlBibliography(text: string, path: string): { papers: Paper[]; problems: Problem[] } {
  const meta = parseYaml(text, path);
  const problems = [...meta.problems];
  const references = Array.isArray(meta.data?.references) ? (meta.data!.references as unknown[]) : [];
  const line = meta.lineOf('references');
  return { papers: cslPapers(references.map((value) => ({ value, line })), path, problems), problems };
}
