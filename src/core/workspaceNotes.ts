import { CitationScope } from './citationScope';
import { Paper, Range } from './model';

/**
 * Which notes in the workspace cite or name which papers, behind a port to the
 * workspace's files: scanned in the background, one note at a time (the library engine
 * scans them), again for a note when it is saved, created or deleted, and for all
 * when the library or a bibliography changes. The notes are listed once (and again when
 * asked: `relist`), then kept by the changes the editor's watchers report: listing is a
 * file search (`findFiles` spawns a process from the editor's thread, 10-40 ms), and a
 * library change does not add or remove notes. The editor wires its watchers to it
 * (src/vscode/noteIndex.ts); the tests give it notes in a map.
 */

/** The workspace's notes, by id (a URI string in the editor). */
export interface WorkspaceFiles {
  listNotes(): Promise<string[]>;
  /** The note's text (an open editor's text where there is one), or undefined when it cannot be read. */
  readNote(id: string): Promise<string | undefined>;
}

/** What a note can cite: its own bibliography over the library. */
export type ScopeForNote = (id: string, text: string) => Promise<CitationScope>;

/** Where a note uses a paper, and how many of those are citations (the rest name it in prose). */
interface Uses {
  ranges: Range[];
  cited: number;
}

export interface NoteUse {
  note: string;
  count: number;
  /** How many of the uses are citations; the others name the paper in prose. */
  cited: number;
  first: Range;
}

/** The id under which a scan of every note is queued (a note's id is a URI string). */
const ALL_NOTES = Symbol('all notes');

export class WorkspaceNoteIndex {
  private readonly byNote = new Map<string, Map<string, Uses>>();
  /** Papers each note cites (mentions in prose excluded), resolved in the note's own scope, for bibliographies. */
  private readonly citedByNote = new Map<string, Paper[]>();
  private readonly listeners = new Set<() => void>();
  private scanning: Promise<void> = Promise.resolve();
  /** The notes as listed, with those created since and without those deleted; undefined until listed (or when to list again). */
  private notes: Set<string> | undefined;
  /** Scans queued and not begun, by note (ALL_NOTES for a scan of every note): the same scan asked for again meanwhile needs no other. */
  private readonly notBegun = new Map<string | typeof ALL_NOTES, Promise<void>>();

  constructor(
    private readonly files: WorkspaceFiles,
    private readonly scopeFor: ScopeForNote,
  ) {}

  /** Called after each scan asked for. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Resolves once the scans asked for so far are done. */
  ready(): Promise<void> {
    return this.scanning;
  }

  /**
   * Every note again (the library or a bibliography changed); the notes are listed first
   * only if they never were, or `relist` asked. Changes in a burst share one scan.
   */
  scanAll(): Promise<void> {
    return this.queueOnce(ALL_NOTES, async () => {
      if (!this.notes) {
        this.notes = new Set(await this.files.listNotes());
        for (const note of [...this.byNote.keys()]) if (!this.notes.has(note)) this.forget(note);
      }
      for (const note of [...this.notes]) await this.scan(note);
    });
  }

  /** The notes may have come or gone in ways no watcher tells (workspace folders, a folder renamed): list them again, and scan all. */
  relist(): Promise<void> {
    this.notes = undefined;
    return this.scanAll();
  }

  /** A note was saved, changed or created. Told twice before its scan begins (a save is also a change on disk), it is scanned once. */
  noteChanged(note: string): Promise<void> {
    return this.queueOnce(note, async () => {
      this.notes?.add(note);
      await this.scan(note);
    });
  }

  noteDeleted(note: string): Promise<void> {
    return this.queue(async () => this.forget(note));
  }

  /** Every paper cited somewhere in the workspace, each once, in first-seen order. */
  citedPapers(): Paper[] {
    const papers = new Map<string, Paper>();
    for (const cited of this.citedByNote.values()) for (const p of cited) if (!papers.has(p.key)) papers.set(p.key, p);
    return [...papers.values()];
  }

  /** Every place a paper is cited or named. */
  locations(key: string): Array<{ note: string; range: Range }> {
    const found: Array<{ note: string; range: Range }> = [];
    for (const [note, keys] of this.byNote) for (const range of keys.get(key)?.ranges ?? []) found.push({ note, range });
    return found;
  }

  /** The notes that cite or name a paper, with how often each (citations and names in prose told apart), citing notes first. */
  notesFor(key: string): NoteUse[] {
    const found: NoteUse[] = [];
    for (const [note, keys] of this.byNote) {
      const uses = keys.get(key);
      if (uses?.ranges.length) found.push({ note, count: uses.ranges.length, cited: uses.cited, first: uses.ranges[0]! });
    }
    return found.sort((a, b) => Number(b.cited > 0) - Number(a.cited > 0) || b.count - a.count || (a.note < b.note ? -1 : a.note > b.note ? 1 : 0));
  }

  /** `task` queued, unless the same one is queued and not begun: then that one (it will see what this asks for). */
  private queueOnce(id: string | typeof ALL_NOTES, task: () => Promise<void>): Promise<void> {
    const queued = this.notBegun.get(id);
    if (queued) return queued;
    const scan = this.queue(() => {
      this.notBegun.delete(id); // begun: a change from now on needs a scan of its own
      return task();
    });
    this.notBegun.set(id, scan);
    return scan;
  }

  private queue(task: () => Promise<void>): Promise<void> {
    this.scanning = this.scanning.then(task).then(
      () => {
        for (const listener of [...this.listeners]) listener();
      },
      () => undefined,
    );
    return this.scanning;
  }

  /** A note deleted or that cannot be read: no trace of it is kept (a watcher tells when it is back). */
  private forget(note: string): void {
    this.notes?.delete(note);
    this.byNote.delete(note);
    this.citedByNote.delete(note);
  }

  private async scan(note: string): Promise<void> {
    const text = await this.files.readNote(note);
    // A note that cannot be read leaves no trace.
    if (text === undefined) return this.forget(note);
    const scope = await this.scopeFor(note, text);
    const scan = await scope.scanNote(text);
    const keys = new Map<string, Uses>();
    for (const item of [...scan.citations, ...scan.mentions]) {
      // "Cited in" is about the digests' papers: a note's own entry with the same key is another work.
      const paper = scope.library.paper(item.key);
      if (!paper || scope.paper(item.key) !== paper) continue;
      let uses = keys.get(paper.key);
      if (!uses) keys.set(paper.key, (uses = { ranges: [], cited: 0 }));
      uses.ranges.push(item.range);
      if (!('text' in item)) uses.cited++;
    }
    this.byNote.set(note, keys);
    const cited = new Map<string, Paper>();
    for (const c of scan.citations) {
      const paper = scope.paper(c.key);
      if (paper && !cited.has(paper.key)) cited.set(paper.key, paper);
    }
    this.citedByNote.set(note, [...cited.values()]);
  }
}
