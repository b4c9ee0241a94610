import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PaperDigestTestApi } from '../../src/extension';

/** The extension's internals, handed out in test mode. */
export type PaperDigestApi = PaperDigestTestApi;

export async function activateExtension(): Promise<PaperDigestApi> {
  const extension = vscode.extensions.getExtension<PaperDigestApi>('paper-digest.paper-digest');
  assert.ok(extension, 'Paper Digest is installed');
  const api = await extension.activate();
  await api.ready;
  return api;
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Opens a fresh untitled-like Markdown note with the given text and shows it. */
export async function openNote(text: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
  return vscode.window.showTextDocument(document);
}

/** Position of the `n`th occurrence of `needle` in the document, plus `offset` characters. */
export function positionOf(document: vscode.TextDocument, needle: string, offset = 0, n = 0): vscode.Position {
  const text = document.getText();
  let index = -1;
  for (let i = 0; i <= n; i++) index = text.indexOf(needle, index + 1);
  assert.ok(index >= 0, `"${needle}" is in the document`);
  return document.positionAt(index + offset);
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n')
    .replace(/\\(.)/g, '$1'); // Markdown escapes, so tests read the text a person sees
}

export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A file of the extension's own repository (test fixtures). */
export function extensionFile(...parts: string[]): vscode.Uri {
  const extension = vscode.extensions.getExtension('paper-digest.paper-digest');
  assert.ok(extension);
  return vscode.Uri.joinPath(extension.extensionUri, ...parts);
}

export async function writeText(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}
