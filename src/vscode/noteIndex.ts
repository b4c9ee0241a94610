import * as vscode from 'vscode';
import { decodeText } from '../core/text';
import { Paper } from '../core/model';
import { Pacer } from '../core/steps';
import { toVsRange } from './convert';
import { LibraryService } from './libraryService';
import { NOTE_GLOB, NoteScopes, isNote } from './noteScopes';

const NOTES = NOTE_GLOB;
const SKIPPED = '{**/node_modules/**,**/.git/**,**/.vscode-test/**}';

/**
 * Which notes in the workspace cite or name which papers: scanned in the background
 * (one file at a time, the event loop given back between them), again for a file when
 * it is saved, created or deleted, and for all when the library changes.
 */
export class NoteIndex implements vscode.Disposable {
  private readonly byNote = new Map<string, Map<string, Uses>>();
  /** Papers each note cites (mentions in prose excluded), resolved in the note's own scope, for bibliographies. */
  private readonly citedByNote = new Map<string, Paper[]>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private scanning: Promise<void> = Promise.resolve();
  private readonly subscriptions: vscode.Disposable[];
  private readonly pacer = new Pacer(10);

  constructor(
    private readonly service: LibraryService,
    private readonly scopes: NoteScopes,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(NOTES);
    this.subscriptions = [
      watcher,
      watcher.onDidCreate((uri) => this.queue(() => this.scanFile(uri))),
      watcher.onDidDelete((uri) =>
        this.queue(async () => {
          this.byNote.delete(uri.toString());
          this.citedByNote.delete(uri.toString());
        }),
      ),
      vscode.workspace.onDidSaveTextDocument((d) => isNote(d) && this.queue(() => this.scanFile(d.uri))),
      service.onDidChange(() => this.queue(() => this.scanAll())),
      scopes.onDidChange(() => this.queue(() => this.scanAll())),
    ];
  }

  /** Resolves once the scans asked for so far are done. */
  ready(): Promise<void> {
    return this.scanning;
  }

  private queue(task: () => Promise<void>): void {
    this.scanning = this.scanning.then(task).then(
      () => this.changed.fire(),
      () => undefined,
    );
  }

  private async scanAll(): Promise<void> {
    await this.service.current();
    const files = await vscode.workspace.findFiles(NOTES, SKIPPED);
    const seen = new Set(files.map((f) => f.toString()));
    for (const key of [...this.byNote.keys()]) {
      if (seen.has(key)) continue;
      this.byNote.delete(key);
      this.citedByNote.delete(key);
    }
    for (const file of files) {
      await this.scanFile(file);
      await this.pacer.pace();
    }
  }

  private async scanFile(uri: vscode.Uri): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let text: string;
    try {
      text = open ? open.getText() : decodeText(await vscode.workspace.fs.readFile(uri));
    } catch {
      // A note that cannot be read leaves no trace.
      this.byNote.delete(uri.toString());
      this.citedByNote.delete(uri.toString());
      return;
    }
    const scope = await this.scopes.scopeForText(uri, text);
    const scan = scope.scanNote(text);
    const keys = new Map<string, Uses>();
    for (const item of [...scan.citations, ...scan.mentions]) {
      // "Cited in" is about the digests' papers: a note's own entry with the same key is another work.
      const paper = scope.library.paper(item.key);
      if (!paper || scope.paper(item.key) !== paper) continue;
      let uses = keys.get(paper.key);
      if (!uses) keys.set(paper.key, (uses = { ranges: [], cited: 0 }));
      uses.ranges.push(toVsRange(item.range));
      if (!('text' in item)) uses.cited++;
    }
    this.byNote.set(uri.toString(), keys);
    const cited = new Map<string, Paper>();
    for (const c of scan.citations) {
      const paper = scope.paper(c.key);
      if (paper && !cited.has(paper.key)) cited.set(paper.key, paper);
    }
    this.citedByNote.set(uri.toString(), [...cited.values()]);
  }

  /** Every paper cited somewhere in the workspace, each once, in first-seen order. */
  citedPapers(): Paper[] {
    const papers = new Map<string, Paper>();
    for (const cited of this.citedByNote.values()) for (const p of cited) if (!papers.has(p.key)) papers.set(p.key, p);
    return [...papers.values()];
  }

  /** Every place a paper is cited or named. */
  locations(key: string): vscode.Location[] {
    const found: vscode.Location[] = [];
    for (const [note, keys] of this.byNote) for (const range of keys.get(key)?.ranges ?? []) found.push(new vscode.Location(vscode.Uri.parse(note), range));
    return found;
  }

  /** The notes that cite or name a paper, with how often each (citations and names in prose told apart), citing notes first. */
  notesFor(key: string): NoteUse[] {
    const found: NoteUse[] = [];
    for (const [note, keys] of this.byNote) {
      const uses = keys.get(key);
      if (uses?.ranges.length) found.push({ uri: vscode.Uri.parse(note), count: uses.ranges.length, cited: uses.cited, first: uses.ranges[0]! });
    }
    return found.sort((a, b) => Number(b.cited > 0) - Number(a.cited > 0) || b.count - a.count || a.uri.path.localeCompare(b.uri.path));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/** Where a note uses a paper, and how many of those are citations (the rest name it in prose). */
interface Uses {
  ranges: vscode.Range[];
  cited: number;
}

export interface NoteUse {
  uri: vscode.Uri;
  count: number;
  /** How many of the uses are citations; the others name the paper in prose. */
  cited: number;
  first: vscode.Range;
}

/** The "Cited In" view: the notes citing the paper selected in the Techniques view. */
export class CitedInView implements vscode.TreeDataProvider<NoteUse>, vscode.Disposable {
  private key: string | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly notes: NoteIndex) {
    this.subscription = notes.onDidChange(() => this.changed.fire());
  }

  show(key: string | undefined): void {
    this.key = key;
    this.changed.fire();
  }

  getChildren(): NoteUse[] {
    return this.key ? this.notes.notesFor(this.key) : [];
  }

  getTreeItem(note: NoteUse): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.workspace.asRelativePath(note.uri), vscode.TreeItemCollapsibleState.None);
    const named = note.count - note.cited;
    item.description = [note.cited ? `cited ${note.cited}×` : '', named ? `named ${named}×` : ''].filter(Boolean).join(', ');
    item.resourceUri = note.uri;
    item.command = { command: 'vscode.open', title: 'Open Note', arguments: [note.uri, { selection: note.first }] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
