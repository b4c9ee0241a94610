import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BUNDLED_CSL_DIR, BUNDLED_CSL_LOCALES, BUNDLED_CSL_STYLES, BUNDLED_DIGEST, DEFAULT_CSL_STYLE, isBundledCsl } from './core/bundled';
import { CslStyle, bibliographyEntries, formatBibliography } from './core/cslFormat';
import { EXPORT_FORMATS, ExportFormat, formatPapers } from './core/citationFormat';
import { CitationScope } from './core/citationScope';
import { parseDigest } from './core/digest';
import { KEY_MEMORY_FILE, KeyMemory } from './core/keyMemory';
import { Library } from './core/library';
import { Paper, Problem } from './core/model';
import { NoteBibliographies, declaredCsl } from './core/noteBibliography';
import { PaperSources, SourceEndpoints, SourceError, mergeIntoDigest, papersLackingDetails } from './core/paperSources';
import { SearchHit } from './core/searchIndex';
import { fetchClient } from './fetchClient';
import { FileText, decodeInBlocks, decodeText, escapeControls } from './core/text';
import { withReferencesSection } from './core/writing';

/**
 * paper-digest: the core library on the command line.
 * Exit codes: 0 success, 1 a finding (`check`: unknown keys; `references --check`: a note
 * out of date), 2 usage error, unreadable input or a crash.
 */

/** Digests larger than this many MB are refused by name (the extension's paperDigest.maxDigestSizeMB). */
const DEFAULT_MAX_DIGEST_MB = 256;

const USAGE = `Usage:
  paper-digest papers     [--digest PATH]... [--json]
  paper-digest search     QUERY [--digest PATH]... [--limit N] [--typing] [--json]
  paper-digest search     --queries FILE|- [--digest PATH]... [--limit N] [--typing] [--json]
  paper-digest techniques [--digest PATH]... [--json]
  paper-digest cite       KEY... [--digest PATH]... [--style pandoc|footnote|link|bibtex|csl-json|text] [--csl NAME|PATH]
  paper-digest check      NOTE... [--digest PATH]... [--json]
  paper-digest references NOTE... [--digest PATH]... [--check] [--csl NAME|PATH]
  paper-digest fetch      --date YYYY-MM-DD [--to YYYY-MM-DD] --out FILE
  paper-digest add        ID... --out FILE
  paper-digest complete   [--digest PATH]... --out FILE

Every command also takes --max-digest-mb N (default ${DEFAULT_MAX_DIGEST_MB}: a larger digest is
refused by name) and --workspace DIR (default: the current directory): the
generated citation keys are remembered in DIR/${KEY_MEMORY_FILE}, so that they
stay with their papers; commit that file beside your notes.
Without --digest, the bundled Daily Papers digest is used. \`search\` ranks as the editor's
search does, with the same syntax ("a phrase", -word, author:name, year:2023..2025,
#technique, digest:name); with --typing the last word is taken as unfinished (a
prefix), as while typing. --queries runs one query per line of FILE (- for standard
input) over one loaded library; with --json it prints one line per query:
{"query", "ms", "hits": [{"key", "title", "score"}]}, ms being the time that query took.
\`fetch\` adds a day's (or a range's) Hugging Face Daily Papers to a Hugging Face JSON digest,
\`add\` papers by arXiv id or URL, Hugging Face paper URL or DOI (Hugging Face first, then
arXiv, then DOI content negotiation), \`complete\` the arXiv id, authors and abstract of
papers a copied page gives without them (by exact title on Hugging Face; the library then
merges them, keys unchanged); a paper already in FILE is not added again, and the file is
written only when every request succeeded. Endpoints: HF_ENDPOINT (or
--hf-endpoint URL), --arxiv-endpoint URL, --doi-endpoint URL. \`check\` and \`references\`
also read the bibliographies a note declares (front matter, _quarto.yml, bookdown's
index.Rmd). \`references\` updates each note's References section in place, as the
editor's command does (only the block it owns changes); with --check it changes nothing
and exits 1 when a note is out of date.`;

class UsageError extends Error {}
class InputError extends Error {}

interface Args {
  command: string;
  positional: string[];
  digests: string[];
  json: boolean;
  limit: number;
  style: ExportFormat | 'text';
  csl: string;
  /** Whether --csl was given (the References section keeps our own format otherwise). */
  cslGiven: boolean;
  workspace: string;
  check: boolean;
  maxDigestMb: number;
  typing: boolean;
  queries: string | undefined;
  date: string | undefined;
  to: string | undefined;
  outFile: string | undefined;
  endpoints: Partial<SourceEndpoints>;
}

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') throw new UsageError('');
  const args: Args = { command, positional: [], digests: [], json: false, limit: 10, style: 'pandoc', csl: DEFAULT_CSL_STYLE, cslGiven: false, workspace: '.', check: false, maxDigestMb: DEFAULT_MAX_DIGEST_MB, typing: false, queries: undefined, date: undefined, to: undefined, outFile: undefined, endpoints: { huggingFace: process.env.HF_ENDPOINT } };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--digest') args.digests.push(value());
    else if (arg === '--workspace') args.workspace = value();
    else if (arg === '--json') args.json = true;
    else if (arg === '--check') args.check = true;
    else if (arg === '--typing') args.typing = true;
    else if (arg === '--queries') args.queries = value();
    else if (arg === '--date') args.date = value();
    else if (arg === '--to') args.to = value();
    else if (arg === '--out') args.outFile = value();
    else if (arg === '--hf-endpoint') args.endpoints.huggingFace = value();
    else if (arg === '--arxiv-endpoint') args.endpoints.arxiv = value();
    else if (arg === '--doi-endpoint') args.endpoints.doi = value();
    else if (arg === '--max-digest-mb') {
      const n = Number(value());
      if (!(n > 0)) throw new UsageError('--max-digest-mb takes a number of megabytes above 0');
      args.maxDigestMb = n;
    }
    else if (arg === '--limit') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new UsageError('--limit takes a whole number of at least 1');
      args.limit = n;
    } else if (arg === '--style') {
      const style = value();
      if (style !== 'text' && !EXPORT_FORMATS.includes(style as ExportFormat)) throw new UsageError(`--style must be one of ${[...EXPORT_FORMATS, 'text'].join(', ')}`);
      args.style = style as ExportFormat | 'text';
    } else if (arg === '--csl') {
      args.csl = value();
      args.cslGiven = true;
    } else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else args.positional.push(arg);
  }
  return args;
}

function readText(path: string, what: string, maxMb = Infinity): string {
  // UTF-8 or UTF-16, as the file's bytes say.
  return decodeText(readBytes(path, what, maxMb));
}

/** A digest's text, in blocks where that keeps most of it one byte a character (see decodeInBlocks). */
function readDigestText(path: string, maxMb: number): FileText {
  return decodeInBlocks(readBytes(path, 'digest', maxMb));
}

function readBytes(path: string, what: string, maxMb = Infinity): Uint8Array {
  try {
    const size = statSync(path).size;
    if (size > maxMb * 1024 * 1024) throw new InputError(`${what} ${path} is ${Math.round(size / 1024 / 1024)} MB, over the ${maxMb} MB limit (--max-digest-mb)`);
    return readFileSync(path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new InputError(`cannot read ${what} ${path}: ${reason}`);
  }
}

/** The workspace's remembered keys; a missing file is an empty memory, a broken line a problem. */
function readKeyMemory(path: string, err: (line: string) => void): KeyMemory {
  let text: string;
  try {
    text = decodeText(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new KeyMemory();
    throw new InputError(`cannot read the key memory ${path}: ${(error as Error).message}`);
  }
  const { memory, problems } = KeyMemory.parse(text, path);
  reportProblems(problems, err);
  return memory;
}

function loadLibrary(args: Args, err: (line: string) => void): Library {
  const paths = args.digests.length ? args.digests.map((d) => resolve(d)) : [join(__dirname, '..', ...BUNDLED_DIGEST)];
  const memoryPath = resolve(args.workspace, KEY_MEMORY_FILE);
  const memory = readKeyMemory(memoryPath, err);
  const library = Library.fromDigests(
    paths.map((path) => ({ path, text: readDigestText(path, args.maxDigestMb) })),
    undefined,
    memory,
  );
  // As in the editor: a key file is created for a workspace with digests of its own, and kept wherever it exists.
  if (memory.changed && (args.digests.length > 0 || existsSync(memoryPath))) {
    try {
      mkdirSync(dirname(memoryPath), { recursive: true });
      writeFileSync(memoryPath, memory.serialize());
    } catch (error) {
      err(`paper-digest: warning: cannot remember the keys in ${memoryPath}: ${(error as Error).message}`);
    }
  }
  return library;
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

export async function runCli(argv: string[], write: (line: string) => void, writeError: (line: string) => void): Promise<number> {
  // Digest text reaches the terminal only with its control characters escaped; --json keeps it exact.
  const err = (line: string) => writeError(escapeControls(line));
  let out = (line: string) => write(escapeControls(line));
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    const message = (error as Error).message;
    err(message ? `paper-digest: ${message}\n\n${USAGE}` : USAGE);
    return message ? 2 : 0;
  }
  if (args.json) out = write;
  if (args.command === 'fetch' || args.command === 'add' || args.command === 'complete') {
    try {
      return await fetchPapers(args, out, err);
    } catch (error) {
      if (error instanceof UsageError) {
        err(`paper-digest: ${error.message}\n\n${USAGE}`);
        return 2;
      }
      if (error instanceof SourceError || error instanceof InputError) {
        err(`paper-digest: ${error.message}`);
        return 2;
      }
      throw error;
    }
  }
  try {
    const library = loadLibrary(args, err);
    reportProblems(library.problems, err);
    switch (args.command) {
      case 'papers':
        out(args.json ? JSON.stringify(library.papers.map(paperJson), null, 2) : library.papers.map(paperLine).join('\n'));
        return 0;
      case 'search':
        return await search(library, args, out);
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
        // `@key`, `@{key}` or the bare key, as a note writes it.
        const keys = args.positional.map((k) => k.replace(/^@/, '').replace(/^\{(.*)\}$/, '$1'));
        const unknown = keys.filter((k) => !library.paper(k));
        if (unknown.length) throw new InputError(`unknown citation key${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
        const papers = keys.map((k) => library.paper(k)!);
        if (args.style === 'text') out(formatBibliography(papers, cslStyle(args.csl)).join('\n'));
        else out(formatPapers(papers, args.style));
        return 0;
      }
      case 'check':
        return await check(library, args, out, err);
      case 'references':
        return await references(library, args, out, err);
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

/** A bundled style by name (`apa`), or a `.csl` file; with the bundled locales. */
function cslStyle(nameOrPath: string): CslStyle {
  const dir = join(__dirname, '..', ...BUNDLED_CSL_DIR);
  const bundled = isBundledCsl(nameOrPath);
  const path = bundled ? join(dir, `${nameOrPath}.csl`) : resolve(nameOrPath);
  if (!bundled && !existsSync(path)) throw new InputError(`--csl: no bundled style ${nameOrPath} (${BUNDLED_CSL_STYLES.join(', ')}) and no file ${path}`);
  const xml = readText(path, 'citation style');
  if (!/<style[\s>]/.test(xml)) throw new InputError(`${path} is not a CSL style (no <style> element)`);
  const locales = Object.fromEntries(BUNDLED_CSL_LOCALES.map((l) => [l, readText(join(dir, `locales-${l}.xml`), 'CSL locale')]));
  return { xml, locales };
}

/** `fetch` and `add`: papers from the sources into a Hugging Face JSON digest, written only when all of them came. */
async function fetchPapers(args: Args, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  if (!args.outFile) throw new UsageError(`${args.command} needs --out FILE`);
  const sources = new PaperSources(fetchClient, { endpoints: args.endpoints });
  let objects;
  if (args.command === 'complete') {
    const lacking = papersLackingDetails(loadLibrary(args, err).papers);
    const details = await sources.detailsFor(lacking);
    for (const paper of details.missing) err(`Hugging Face has no paper titled exactly "${paper.title}"`);
    objects = details.found;
  } else if (args.command === 'fetch') {
    if (!args.date) throw new UsageError('fetch needs --date YYYY-MM-DD');
    objects = await sources.dailyPapers(args.date, args.to ?? args.date);
  } else {
    if (!args.positional.length) throw new UsageError('add needs at least one ID');
    objects = [];
    for (const id of args.positional) objects.push(await sources.paper(id));
  }
  const path = resolve(args.outFile);
  const existing = existsSync(path) ? readText(path, 'digest') : undefined;
  let merged;
  try {
    merged = mergeIntoDigest(existing, objects);
  } catch (error) {
    throw new InputError(`${path}: ${(error as Error).message}`);
  }
  if (merged.added) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.part`, merged.text);
    renameSync(`${path}.part`, path);
  }
  out(`${merged.added} paper${merged.added === 1 ? '' : 's'} added to ${args.outFile} (${objects.length - merged.added} already there).`);
  return 0;
}

/** One query (QUERY) or many (--queries FILE, - for standard input), over one loaded library. */
async function search(library: Library, args: Args, out: (line: string) => void): Promise<number> {
  const options = { limit: args.limit, prefix: args.typing };
  if (args.queries === undefined) {
    const query = args.positional.join(' ');
    if (!query.trim()) throw new UsageError('search needs a QUERY or --queries FILE');
    const hits = library.search(query, options);
    if (args.json) out(JSON.stringify(hits.map(hitJson), null, 2));
    else out(hits.length ? hits.map((h, i) => `${String(i + 1).padStart(2)}. ${paperLine(h.paper)}`).join('\n') : `No papers match "${query}".`);
    return 0;
  }
  if (args.positional.length) throw new UsageError('search takes a QUERY or --queries FILE, not both');
  const text = args.queries === '-' ? await readStdin() : readText(args.queries, 'query file');
  for (const query of text.split(/\r?\n/)) {
    if (!query.trim()) continue;
    const start = performance.now();
    const hits = library.search(query, options);
    const ms = Math.round((performance.now() - start) * 100) / 100;
    if (args.json) out(JSON.stringify({ query, ms, hits: hits.map(hitJson) }));
    else out([`# ${query}  (${ms} ms)`, ...(hits.length ? hits.map((h, i) => `${String(i + 1).padStart(2)}. ${paperLine(h.paper)}`) : ['No papers match.'])].join('\n'));
  }
  return 0;
}

function hitJson(hit: SearchHit) {
  return { key: hit.paper.key, title: hit.paper.title, score: round(hit.score) };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return decodeText(Buffer.concat(chunks));
}

/** Each note's scope: the bibliographies it declares, read from disk, over the library. */
function noteScopes(library: Library, args: Args, err: (line: string) => void): (path: string, text: string) => Promise<CitationScope> {
  const bibliographies = new NoteBibliographies(
    {
      read: (path) =>
        readFile(path).then(decodeText, (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT' || error.code === 'EISDIR') return undefined;
          throw error;
        }),
    },
    parseDigest,
    resolve(args.workspace),
  );
  return async (path, text) => {
    const bibliography = await bibliographies.resolve(resolve(path), text);
    reportProblems(bibliography.problems, err);
    return new CitationScope(library, bibliography);
  };
}

async function references(library: Library, args: Args, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  if (!args.positional.length) throw new UsageError('references needs at least one NOTE');
  const scopeOf = noteScopes(library, args, err);
  let outdated = 0;
  for (const path of args.positional) {
    const text = readText(path, 'note');
    const scope = await scopeOf(path, text);
    // The note's `csl:` (relative to the note, or a bundled name) wins over --csl, as in pandoc.
    const declared = declaredCsl(text);
    const styleName = declared ? (isBundledCsl(declared) ? declared : resolve(dirname(path), declared)) : args.cslGiven ? args.csl : undefined;
    const style = styleName ? cslStyle(styleName) : undefined;
    const updated = withReferencesSection(text, await scope.scanNote(text), scope, style && ((papers) => bibliographyEntries(papers, style)));
    if (updated === null) continue;
    outdated++;
    if (args.check) out(`${path}: References section out of date`);
    else {
      try {
        writeFileSync(path, updated);
      } catch (error) {
        throw new InputError(`cannot write note ${path}: ${(error as Error).message}`);
      }
      out(`${path}: References section updated`);
    }
  }
  return args.check && outdated > 0 ? 1 : 0;
}

async function check(library: Library, args: Args, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  if (!args.positional.length) throw new UsageError('check needs at least one NOTE');
  let unknownCount = 0;
  const scopeOf = noteScopes(library, args, err);
  const reports = [];
  for (const path of args.positional) {
    const text = readText(path, 'note');
    const scope = await scopeOf(path, text);
    const scan = await scope.scanNote(text);
    const citations = scan.citations.map((c) => ({ key: c.key, known: scope.isKnown(c.key), range: c.range }));
    unknownCount += citations.filter((c) => !c.known).length;
    reports.push({ path, citations, mentions: scan.mentions.map((m) => ({ key: m.key, text: m.text, range: m.range })) });
  }
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
  void runCli(
    process.argv.slice(2),
    (line) => process.stdout.write(`${line}\n`),
    (line) => process.stderr.write(`${line}\n`),
  ).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      // A crash is not a finding: exit 2, never 1 (which means "unknown keys").
      process.stderr.write(`paper-digest: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
