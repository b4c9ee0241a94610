import * as vscode from 'vscode';
import { Position, Range } from '../core/model';

/** The one place where core's 0-based positions become VS Code's and back. */
export function toVsPosition(p: Position): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

export function toVsRange(r: Range): vscode.Range {
  return new vscode.Range(toVsPosition(r.start), toVsPosition(r.end));
}

export function fromVsPosition(p: vscode.Position): Position {
  return { line: p.line, character: p.character };
}

/** The path papers and problems carry: the file system path where there is one. */
export function pathOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}
