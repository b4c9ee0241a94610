import * as vscode from 'vscode';
import { BUNDLED_CSL_DIR, BUNDLED_CSL_LOCALES } from '../core/bundled';
import { CslStyle, declaredCsl, isBundledCsl } from '../core/cslFormat';
import { decodeText } from '../core/text';

/**
 * The citation style of a note, as pandoc chooses it: the note's front matter `csl:` (a
 * bundled name or a path relative to the note), else `paperDigest.csl`; none means our
 * own reference format. Styles and locales are read through `vscode.workspace.fs`.
 */
export class CslStyles {
  private readonly cache = new Map<string, Promise<CslStyle>>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** The note's style, or undefined for our own format; rejects with a message naming a style that cannot be read. */
  async forNote(document: vscode.TextDocument): Promise<CslStyle | undefined> {
    const declared = declaredCsl(document.getText());
    const configured = vscode.workspace.getConfiguration('paperDigest', document.uri).get<string>('csl', '').trim();
    const name = declared ?? (configured || undefined);
    if (!name) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri;
    const base = declared ? vscode.Uri.joinPath(document.uri, '..') : (folder ?? vscode.Uri.joinPath(document.uri, '..'));
    const uri = isBundledCsl(name) ? vscode.Uri.joinPath(this.extensionUri, ...BUNDLED_CSL_DIR, `${name}.csl`) : /^[a-z]+:|^\//i.test(name) ? vscode.Uri.file(name) : vscode.Uri.joinPath(base, name);
    let pending = this.cache.get(uri.toString());
    if (!pending) {
      pending = this.read(uri, name);
      this.cache.set(uri.toString(), pending);
      pending.catch(() => this.cache.delete(uri.toString()));
    }
    return pending;
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
