import * as vscode from 'vscode';

/** Runs a per-document task once typing pauses: one timer per document. */
export class DocumentDebouncer implements vscode.Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly task: (document: vscode.TextDocument) => void,
    /** Which documents the task is for (Markdown alone by default). */
    private readonly accepts: (document: vscode.TextDocument) => boolean = (d) => d.languageId === 'markdown',
  ) {}

  schedule(document: vscode.TextDocument, delay: number): void {
    if (!this.accepts(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) this.task(document);
      }, delay),
    );
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
