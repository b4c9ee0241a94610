import * as vscode from 'vscode';
import { decodeText } from '../core/text';
import { CitationScope } from '../core/citationScope';
import { MentionOptions } from '../core/library';
import { frontMatter } from '../core/frontMatter';
import { Paper, Problem } from '../core/model';
import type { NoteBibliographies } from '../core/noteBibliography';
import { NO_BIBLIOGRAPHY, NoteBibliography, ProjectFiles, isNoBibliography, isProjectFile } from '../core/noteProject';
import type { NoteScan } from '../core/noteScanner';
import { pathOf } from './convert';
import { problemDiagnostic } from './digestProblems';
import { digestReader, noteReaders } from './lazyModules';
import { LibraryService } from './libraryService';

/** The languages Paper Digest reads as notes: Markdown, Quarto and R Markdown. */
export const NOTE_LANGUAGES = ['markdown', 'quarto', 'rmd'];
export const NOTE_SELECTOR: vscode.DocumentSelector = NOTE_LANGUAGES.map((language) => ({ language }));
/** Notes on disk, for the workspace scan. */
export const NOTE_GLOB = '**/*.{md,markdown,qmd,Rmd,rmd}';

export function isNote(document: vscode.TextDocument): boolean {
  return NOTE_LANGUAGES.includes(document.languageId) || /\.(md|markdown|qmd|rmd)$/i.test(document.uri.path);
}

/** The bibliographies' resolver of a URI's file system (one per scheme and authority). */
function resolverId(uri: vscode.Uri): string {
  return `${uri.scheme}://${uri.authority}`;
}

/** Files whose change can change a note's bibliography. */
const PROJECT_FILES = '**/{*.bib,*.bibtex,*.json,*.yml,*.yaml,index.Rmd}';

/**
 * What each note can cite: its declared bibliographies (front matter, `_quarto.yml`,
 * `_metadata.yml`, bookdown's `index.Rmd`) over the library, through the core's
 * NoteBibliographies reading files with `vscode.workspace.fs`. Bibliography files are
 * parsed once and again when they change; problems go to the Problems panel.
 */
export class NoteScopes implements vscode.Disposable {
  /** One resolver per file system (scheme and authority): core paths are URI paths. */
  private readonly resolvers = new Map<string, NoteBibliographies>();
  private readonly bibliographies = new Map<string, { frontMatter: string; pending: Promise<NoteBibliography>; resolved?: NoteBibliography }>();
  private readonly scans = new Map<string, { version: number; scope: CitationScope; scan: Promise<NoteScan> }>();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('paper-digest-bibliographies');
  private readonly changed = new vscode.EventEmitter<void>();
  /** Some note's bibliography changed (a .bib file was edited, a front matter changed). */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private logged = new Set<string>();
  /** Mention settings by workspace folder, read once until the configuration changes. */
  private readonly mentionOptions = new Map<string, MentionOptions>();

  constructor(
    private readonly service: LibraryService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(PROJECT_FILES);
    const onFile = (uri: vscode.Uri) => this.fileChanged(uri);
    this.subscriptions = [
      watcher,
      watcher.onDidChange(onFile),
      watcher.onDidCreate(onFile),
      watcher.onDidDelete(onFile),
      vscode.workspace.onDidSaveTextDocument((d) => isProjectFile(d.uri.path) && this.fileChanged(d.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      service.onDidChange(() => this.scans.clear()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('paperDigest.mentions') && !e.affectsConfiguration('paperDigest.ignoredNames')) return;
        this.mentionOptions.clear();
        this.scans.clear();
        this.changed.fire();
      }),
    ];
  }

  private resolver(uri: vscode.Uri): NoteBibliographies {
    const id = resolverId(uri);
    let resolver = this.resolvers.get(id);
    if (!resolver) {
      const files: ProjectFiles = {
        read: async (path) => {
          try {
            return decodeText(await vscode.workspace.fs.readFile(uri.with({ path })));
          } catch {
            return undefined;
          }
        },
      };
      resolver = new (noteReaders().noteBibliography.NoteBibliographies)(files, (text, path) => digestReader().parseDigest(text, path), vscode.workspace.getWorkspaceFolder(uri)?.uri.path);
      this.resolvers.set(id, resolver);
    }
    return resolver;
  }

  private fileChanged(uri: vscode.Uri): void {
    if (!isProjectFile(uri.path)) return;
    // None made yet for the folder: nothing it read to forget.
    this.resolvers.get(resolverId(uri))?.invalidate(uri.path);
    // Which notes use the file is known only after resolving: resolve them all again (each file is read once).
    this.bibliographies.clear();
    this.scans.clear();
    this.changed.fire();
  }

  /** The note's bibliography, resolved again only when its front matter changed or a project file did. */
  private bibliography(uri: vscode.Uri, text: string): Promise<NoteBibliography> {
    const key = uri.toString();
    const yaml = frontMatter(text)?.yaml ?? '';
    const known = this.bibliographies.get(key);
    if (known && known.frontMatter === yaml) return known.pending;
    const entry: { frontMatter: string; pending: Promise<NoteBibliography>; resolved?: NoteBibliography } = {
      frontMatter: yaml,
      pending: this.resolver(uri)
        .resolve(uri.path, text)
        .catch((error: unknown) => {
          this.log.error(`Cannot resolve the bibliography of ${uri.toString()}: ${String(error)}`);
          return NO_BIBLIOGRAPHY;
        }),
    };
    this.bibliographies.set(key, entry);
    void entry.pending.then((resolved) => {
      if (this.bibliographies.get(key) !== entry) return;
      const changed = entry.resolved !== resolved;
      entry.resolved = resolved;
      this.showProblems();
      if (changed && !isNoBibliography(resolved)) {
        this.scans.delete(key);
        this.changed.fire();
      }
    });
    return entry.pending;
  }

  /**
   * `paperDigest.mentions` and `paperDigest.ignoredNames` where the note lives. A setting
   * of the wrong type is named in the log and its default kept.
   */
  private mentionsFor(uri: vscode.Uri): MentionOptions {
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.toString() ?? '';
    let options = this.mentionOptions.get(folder);
    if (!options) {
      const config = vscode.workspace.getConfiguration('paperDigest', uri);
      const enabled = config.get<unknown>('mentions', true);
      const names = config.get<unknown>('ignoredNames', []);
      if (typeof enabled !== 'boolean') this.log.warn('The setting paperDigest.mentions must be true or false; papers named in prose are found as by default.');
      const valid = Array.isArray(names) && names.every((n) => typeof n === 'string');
      if (!valid) this.log.warn('The setting paperDigest.ignoredNames must be a list of names (strings); it is ignored until fixed.');
      options = { enabled: enabled !== false, ignoredNames: new Set(valid ? (names as string[]).map((n) => n.trim().toLowerCase()).filter(Boolean) : []) };
      this.mentionOptions.set(folder, options);
    }
    return options;
  }

  /** The scope of an open note, once its bibliography is read. */
  async scopeFor(document: vscode.TextDocument): Promise<CitationScope> {
    const library = await this.service.current();
    if (!isNote(document)) return new CitationScope(library, NO_BIBLIOGRAPHY, this.mentionsFor(document.uri));
    return new CitationScope(library, await this.bibliography(document.uri, document.getText()), this.mentionsFor(document.uri));
  }

  /** The scope of a note on disk (the workspace scan), from its text. */
  async scopeForText(uri: vscode.Uri, text: string): Promise<CitationScope> {
    return new CitationScope(this.service.snapshot, await this.bibliography(uri, text), this.mentionsFor(uri));
  }

  /** The scope as known right now (the digests alone until the note's bibliography is read). */
  scope(document: vscode.TextDocument): CitationScope {
    const known = isNote(document) ? this.bibliographies.get(document.uri.toString()) : undefined;
    if (isNote(document) && !known) void this.bibliography(document.uri, document.getText());
    return new CitationScope(this.service.snapshot, known?.resolved ?? NO_BIBLIOGRAPHY, this.mentionsFor(document.uri));
  }

  /** Citations and mentions in a document, scanned (by the library engine) once per version and scope. */
  scan(document: vscode.TextDocument): Promise<NoteScan> {
    const key = document.uri.toString();
    const scope = this.scope(document);
    const cached = this.scans.get(key);
    if (
      cached &&
      cached.version === document.version &&
      cached.scope.library === scope.library &&
      cached.scope.bibliography === scope.bibliography &&
      cached.scope.mentions === scope.mentions
    ) {
      return cached.scan;
    }
    const scan = scope.scanNote(document.getText());
    this.scans.set(key, { version: document.version, scope, scan });
    return scan;
  }

  /** Where a paper's entry is: a note's own bibliography lives beside the note. */
  uriOf(paper: Paper, scope: CitationScope, near: vscode.Uri, path = paper.source.path): vscode.Uri {
    return scope.isDeclared(paper.key) ? near.with({ path }) : this.service.uriOf(path);
  }

  private forget(uri: vscode.Uri): void {
    this.scans.delete(uri.toString());
    if (this.bibliographies.delete(uri.toString())) this.showProblems();
  }

  /** Bibliography problems of open notes: on the note (a missing file at its declaration) or on the file at fault. */
  private showProblems(): void {
    const byUri = new Map<string, { uri: vscode.Uri; problems: Map<string, Problem> }>();
    for (const [note, entry] of this.bibliographies) {
      const noteUri = vscode.Uri.parse(note);
      for (const problem of entry.resolved?.problems ?? []) {
        const uri = problem.path.startsWith('/') || /^[A-Za-z]:/.test(problem.path) ? noteUri.with({ path: problem.path }) : vscode.Uri.file(problem.path);
        const slot = byUri.get(uri.toString()) ?? { uri, problems: new Map() };
        slot.problems.set(`${problem.line}:${problem.message}`, problem);
        byUri.set(uri.toString(), slot);
      }
    }
    this.diagnostics.clear();
    const now = new Set<string>();
    for (const { uri, problems } of byUri.values()) {
      this.diagnostics.set(uri, [...problems.values()].map(problemDiagnostic));
      for (const p of problems.values()) now.add(`${pathOf(uri)}:${p.line + 1}: ${p.message}`);
    }
    // The log says each problem once, not again on every edit.
    for (const line of now) if (!this.logged.has(line)) this.log.warn(line);
    this.logged = now;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.diagnostics.dispose();
    this.changed.dispose();
  }
}
