import { spawnSync } from 'node:child_process';

/** Debian's real pandoc, the tool users would otherwise run: what it reads is what counts. */
export const hasPandoc = spawnSync('pandoc', ['--version']).status === 0;

/** Skips a suite where pandoc is missing, except in CI, which installs it (.ci/run). */
export function needPandoc(context: Mocha.Context): void {
  if (!hasPandoc && !process.env.CI) context.skip();
}

export function pandoc(args: string[], input?: string): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync('pandoc', args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** The citation keys pandoc reads in a Markdown text, in order (from its AST). */
export function pandocCitationKeys(markdown: string): string[] {
  const result = pandoc(['-f', 'markdown', '-t', 'json'], markdown);
  if (result.status !== 0) throw new Error(result.stderr);
  const keys: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as { t?: string; c?: unknown };
      if (o.t === 'Cite') for (const c of (o.c as [Array<{ citationId: string }>])[0]) keys.push(c.citationId);
      Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(result.stdout));
  return keys;
}

export interface PandocCslItem {
  id: string;
  title?: string;
  author?: Array<Record<string, string>>;
  issued?: { 'date-parts'?: unknown[][] };
  URL?: string;
  DOI?: string;
}

/** A bibliography file as pandoc reads it, as CSL items. */
export function pandocCsl(path: string, from: 'bibtex' | 'csljson'): PandocCslItem[] {
  const result = pandoc(['-f', from, '-t', 'csljson', path]);
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as PandocCslItem[];
}
