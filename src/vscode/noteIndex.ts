import * as vscode from 'vscode';
import { decodeText } from '../core/text';
import { Paper } from '../core/model';
import { WorkspaceNoteIndex } from '../core/workspaceNotes';
import { toVsRange } from './convert';
import { LibraryService } from './libraryService';
import { NOTE_GLOB, NoteScopes, isNote } from './noteScopes';

const NOTES = NOTE_GLOB;
const SKIPPED = '{**/node_modules/**,**/.git/**,**/.vscode-test/**}';

/**
 * The workspace note index (core/workspaceNotes.ts) wired to the editor: the notes found
 * with `findFiles` (again when folders come, go or are renamed), read from an open editor or
 * `vscode.workspace.fs`, scanned again on save, change, create and delete, and all of them
 * when the library or a bibliography changes.
 */
export class NoteIndex implements vscode.Disposable {
  private readonly index: WorkspaceNoteIndex;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(service: LibraryService, scopes: NoteScopes) {
    this.index = new WorkspaceNoteIndex(
      {
        listNotes: async () => {
          await service.current();
          return (await vscode.workspace.findFiles(NOTES, SKIPPED)).map((uri) => uri.toString());
        },
        readNote: async (note) => {
          const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === note);
          try {
            return open ? open.getText() : decodeText(await vscode.workspace.fs.readFile(vscode.Uri.parse(note)));
          } catch {
            return undefined;
          }
        },
      },
      (note, text) => scopes.scopeForText(vscode.Uri.parse(note), text),
    );
    const watcher = vscode.workspace.createFileSystemWatcher(NOTES);
    const forwarded = this.index.onDidChange(() => this.changed.fire());
    this.subscriptions = [
      watcher,
      { dispose: () => forwarded.dispose() },
      watcher.onDidCreate((uri) => void this.index.noteChanged(uri.toString())),
      watcher.onDidChange((uri) => void this.index.noteChanged(uri.toString())), // a pull, another editor
      watcher.onDidDelete((uri) => void this.index.noteDeleted(uri.toString())),
      vscode.workspace.onDidSaveTextDocument((d) => isNote(d) && void this.index.noteChanged(d.uri.toString())),
      service.onDidChange(() => void this.index.scanAll()),
      scopes.onDidChange(() => void this.index.scanAll()),
      // Notes that come or go with a folder: the watcher names the folder, not the notes in it.
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.index.relist()),
      vscode.workspace.onDidRenameFiles(() => void this.index.relist()),
    ];
  }

  /** Resolves once the scans asked for so far are done. */
  ready(): Promise<void> {
    return this.index.ready();
  }

  /** Every paper cited somewhere in the workspace, each once, in first-seen order. */
  citedPapers(): Paper[] {
    return this.index.citedPapers();
  }

  /** Every place a paper is cited or named. */
  locations(key: string): vscode.Location[] {
    return this.index.locations(key).map(({ note, range }) => new vscode.Location(vscode.Uri.parse(note), toVsRange(range)));
  }

  /** The notes that cite or name a paper, with how often each, citing notes first. */
  notesFor(key: string): NoteUse[] {
    return this.index.notesFor(key).map((use) => ({ uri: vscode.Uri.parse(use.note), count: use.count, cited: use.cited, first: toVsRange(use.first) }));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
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
