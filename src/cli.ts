import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUNDLED_DIGEST } from './core/bundled';
import { EXPORT_FORMATS, ExportFormat, formatPapers } from './core/citationFormat';
import { Library } from './core/library';
import { Paper, Problem } from './core/model';

/**
 * paper-digest: the core library on the command line.
 * Exit codes: 0 success, 1 `check` found unknown keys, 2 usage error or unreadable input.
 */

const USAGE = `Usage:
  paper-digest papers     [--digest PATH]... [--json]
  paper-digest search     QUERY [--digest PATH]... [--limit N] [--json]
  paper-digest techniques [--digest PATH]... [--json]
  paper-digest cite       KEY... [--digest PATH]... [--style pandoc|footnote|link|bibtex|csl-json]
  paper-digest check      NOTE.md... [--digest PATH]... [--json]

Without --digest, the bundled Daily Papers digest is used.`;

class UsageError extends Error {}
class InputError extends Error {}

interface Args {
  command: string;
  positional: string[];
  digests: string[];
  json: boolean;
  limit: number;
  style: ExportFormat;
}

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') throw new UsageError('');
  const args: Args = { command, positional: [], digests: [], json: false, limit: 10, style: 'pandoc' };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--digest') args.digests.push(value());
    else if (arg === '--json') args.json = true;
    else if (arg === '--limit') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new UsageError('--limit takes a whole number of at least 1');
      args.limit = n;
    } else if (arg === '--style') {
      const style = value();
      if (!EXPORT_FORMATS.includes(style as ExportFormat)) throw new UsageError(`--style must be one of ${EXPORT_FORMATS.join(', ')}`);
      args.style = style as ExportFormat;
    } else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else args.positional.push(arg);
  }
  return args;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new InputError(`cannot read ${what} ${path}: ${reason}`);
  }
}

function loadLibrary(digests: string[]): Library {
  const paths = digests.length ? digests.map((d) => resolve(d)) : [join(__dirname, '..', ...BUNDLED_DIGEST)];
  return Library.fromDigests(paths.map((path) => ({ path, text: readText(path, 'digest') })));
}

function reportProblems(problems: readonly Problem[], err: (line: string) => void): void {
  for (const p of problems) err(`${p.path}:${p.line + 1}: ${p.severity}: ${p.message}`);
}

function paperJson(p: Paper) {
  return {
    key: p.key,
    title: p.title,
    shortName: p.shortName,
    aliases: p.aliases,
    abstract: p.abstract,
    date: p.date,
    upvotes: p.upvotes,
    authorCount: p.authorCount,
    authors: p.authors,
    organization: p.organization,
    techniques: p.techniques,
    links: p.links,
    source: p.source,
  };
}

function paperLine(p: Paper): string {
  const votes = p.upvotes === null ? '' : ` ▲${p.upvotes}`;
  return `${p.key.padEnd(24)} ${(p.date ?? '----------').padEnd(10)}${votes.padEnd(5)}  ${p.title}`;
}

export function runCli(argv: string[], out: (line: string) => void, err: (line: string) => void): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    const message = (error as Error).message;
    err(message ? `paper-digest: ${message}\n\n${USAGE}` : USAGE);
    return message ? 2 : 0;
  }
  try {
    const library = loadLibrary(args.digests);
    reportProblems(library.problems, err);
    switch (args.command) {
      case 'papers':
        out(args.json ? JSON.stringify(library.papers.map(paperJson), null, 2) : library.papers.map(paperLine).join('\n'));
        return 0;
      case 'search': {
        const query = args.positional.join(' ');
        if (!query.trim()) throw new UsageError('search needs a QUERY');
        const hits = library.search(query, { limit: args.limit, prefix: false });
        if (args.json) out(JSON.stringify(hits.map((h) => ({ key: h.paper.key, title: h.paper.title, score: round(h.score) })), null, 2));
        else out(hits.length ? hits.map((h, i) => `${String(i + 1).padStart(2)}. ${paperLine(h.paper)}`).join('\n') : `No papers match "${query}".`);
        return 0;
      }
      case 'techniques': {
        const tree = library.techniqueTree();
        if (args.json) {
          const list = tree.flatMap((c) =>
            c.techniques.map((t) => ({ id: t.id, label: t.label, category: c.id, papers: t.papers.map((p) => p.key) })),
          );
          out(JSON.stringify(list, null, 2));
        } else {
          const lines: string[] = [];
          for (const c of tree) {
            lines.push(c.label);
            for (const t of c.techniques) lines.push(`  ${t.label} (${t.papers.length}): ${t.papers.map((p) => p.key).join(', ')}`);
          }
          out(lines.join('\n'));
        }
        return 0;
      }
      case 'cite': {
        if (!args.positional.length) throw new UsageError('cite needs at least one KEY');
        const unknown = args.positional.filter((k) => !library.paper(k.replace(/^@/, '')));
        if (unknown.length) throw new InputError(`unknown citation key${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
        out(formatPapers(args.positional.map((k) => library.paper(k.replace(/^@/, ''))!), args.style));
        return 0;
      }
      case 'check':
        return check(library, args, out);
      default:
        throw new UsageError(`unknown command ${args.command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err(`paper-digest: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof InputError) {
      err(`paper-digest: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

function check(library: Library, args: Args, out: (line: string) => void): number {
  if (!args.positional.length) throw new UsageError('check needs at least one NOTE.md');
  let unknownCount = 0;
  const reports = args.positional.map((path) => {
    const scan = library.scanNote(readText(path, 'note'));
    const citations = scan.citations.map((c) => ({ key: c.key, known: !!library.paper(c.key), range: c.range }));
    unknownCount += citations.filter((c) => !c.known).length;
    return { path, citations, mentions: scan.mentions.map((m) => ({ key: m.key, text: m.text, range: m.range })) };
  });
  if (args.json) out(JSON.stringify(reports, null, 2));
  else {
    const lines: string[] = [];
    for (const r of reports) {
      for (const c of r.citations.filter((x) => !x.known)) {
        lines.push(`${r.path}:${c.range.start.line + 1}:${c.range.start.character + 1}: unknown citation @${c.key}`);
      }
      const known = r.citations.filter((c) => c.known).length;
      lines.push(`${r.path}: ${r.citations.length} citation(s), ${known} known, ${r.citations.length - known} unknown; ${r.mentions.length} paper mention(s)`);
    }
    out(lines.join('\n'));
  }
  return unknownCount > 0 ? 1 : 0;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

if (require.main === module) {
  process.exitCode = runCli(
    process.argv.slice(2),
    (line) => process.stdout.write(`${line}\n`),
    (line) => process.stderr.write(`${line}\n`),
  );
}
