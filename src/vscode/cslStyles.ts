import * as vscode from 'vscode';
import { BUNDLED_CSL_DIR, BUNDLED_CSL_LOCALES, DEFAULT_CSL_STYLE, isBundledCsl } from '../core/bundled';
import type { CslStyle } from '../core/cslFormat';
import { decodeText } from '../core/text';
import { noteReaders } from './lazyModules';

/**
 * The citation style of a note, as pandoc chooses it: the note's front matter `csl:` (a
 * bundled name or a path relative to the note), else `paperDigest.csl`; none means our
 * own reference format. Styles and locales are read through `vscode.workspace.fs`.
 */
export class CslStyles {
  private readonly cache = new Map<string, Promise<CslStyle>>();
  private readonly loaded = new Map<string, CslStyle>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  /**
   * The style by name or path, if it is read already (the Markdown preview renders
   * synchronously); otherwise it is read now and the preview refreshed when it is there.
   */
  cached(name: string, document: vscode.Uri | undefined): CslStyle | undefined {
    const uri = this.uriOf(name, document, true);
    const done = this.loaded.get(uri.toString());
    if (done) return done;
    // One refresh when it arrives, however often the preview renders meanwhile.
    if (!this.cache.has(uri.toString())) {
      void this.load(uri, name).then(
        () => vscode.commands.executeCommand('markdown.preview.refresh'),
        () => undefined,
      );
    }
    return undefined;
  }

  /** The style `paperDigest.csl` names, else pandoc's default (Chicago author-date). */
  configured(): Promise<CslStyle> {
    const name = vscode.workspace.getConfiguration('paperDigest').get<string>('csl', '').trim() || DEFAULT_CSL_STYLE;
    return this.load(this.uriOf(name, undefined, false), name);
  }

  /** Reads a style once; a failed read is tried again next time. */
  private load(uri: vscode.Uri, name: string): Promise<CslStyle> {
    const key = uri.toString();
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.read(uri, name);
      this.cache.set(key, pending);
      pending.then(
        (style) => this.loaded.set(key, style),
        () => this.cache.delete(key),
      );
    }
    return pending;
  }

  private uriOf(name: string, document: vscode.Uri | undefined, declared: boolean): vscode.Uri {
    const folder = document ? vscode.workspace.getWorkspaceFolder(document)?.uri : vscode.workspace.workspaceFolders?.[0]?.uri;
    const base = declared && document ? vscode.Uri.joinPath(document, '..') : (folder ?? (document ? vscode.Uri.joinPath(document, '..') : this.extensionUri));
    return isBundledCsl(name) ? vscode.Uri.joinPath(this.extensionUri, ...BUNDLED_CSL_DIR, `${name}.csl`) : /^[a-z]+:|^\//i.test(name) ? vscode.Uri.file(name) : vscode.Uri.joinPath(base, name);
  }

  /** The note's style, or undefined for our own format; rejects with a message naming a style that cannot be read. */
  async forNote(document: vscode.TextDocument): Promise<CslStyle | undefined> {
    const declared = noteReaders().noteBibliography.declaredCsl(document.getText());
    const configured = vscode.workspace.getConfiguration('paperDigest', document.uri).get<string>('csl', '').trim();
    const name = declared ?? (configured || undefined);
    if (!name) return undefined;
    return this.load(this.uriOf(name, document.uri, !!declared), name);
  }

  private async read(uri: vscode.Uri, name: string): Promise<CslStyle> {
    let xml: string;
    try {
      xml = decodeText(await vscode.workspace.fs.readFile(uri));
    } catch {
      throw new Error(`the citation style "${name}" cannot be read (${uri.fsPath || uri.toString()}); bundled styles: apa, ieee, chicago-author-date, vancouver, harvard-cite-them-right`);
    }
    if (!/<style[\s>]/.test(xml)) throw new Error(`"${name}" is not a CSL style (no <style> element)`);
    const locales: Record<string, string> = {};
    for (const locale of BUNDLED_CSL_LOCALES) locales[locale] = decodeText(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, ...BUNDLED_CSL_DIR, `locales-${locale}.xml`)));
    return { xml, locales };
  }
}
