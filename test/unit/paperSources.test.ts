import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDigest } from '../../src/core/digest';
import { KeyMemory } from '../../src/core/keyMemory';
import { Library } from '../../src/core/library';
import { PaperSources, SourceError, daysBetween, daysToFetch, mergeIntoDigest, papersLackingDetails, parseIdentifier, retryAfterMs } from '../../src/core/paperSources';
import { normalizeTitle } from '../../src/core/text';
import { fetchClient } from '../../src/fetchClient';
import { FIXTURES, ROOT, readFixture } from './fixtures';

/**
 * The sources against a local server that replays real recorded answers (never the live
 * services): Hugging Face's daily papers (the sample's real objects, paged), its papers
 * API, arXiv's Atom and DOI content negotiation; with 429s, a slow route and an
 * unreachable endpoint.
 */
const sample = JSON.parse(readFixture("hf-daily-papers-sample.json")) as Array<{ paper: { id: string; title: string } }>;
/** 130 objects for one day: the sample's, and copies with other ids, so that a second page is needed. */
const bigDay = Array.from({ length: 130 }, (_, i) => {
  const o = structuredClone(sample[i % sample.length]!);
  o.paper.id = `2406.${String(10000 + i)}`;
  return o;
});

interface Replay {
  server: Server;
  url: string;
  requests: string[];
  tooMany: number;
}

async function startReplay(): Promise<Replay> {
  const replay: Replay = { server: createServer(), url: '', requests: [], tooMany: 0 };
  replay.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    replay.requests.push(`${url.pathname}${url.search}`);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/api/daily_papers') {
      const date = url.searchParams.get('date');
      const page = Number(url.searchParams.get('p') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      if (date === '2024-06-17') return json(200, bigDay.slice(page * limit, (page + 1) * limit));
      if (date === '2024-06-18') return json(200, []);
      if (date === '2024-06-19') return json(200, sample.slice(0, 5));
      if (date === '2024-06-20') {
        // Busy: the first two asks are told to wait.
        if (replay.tooMany++ < 2) return json(429, { error: 'rate limited' }, { 'retry-after': '7' });
        return json(200, sample.slice(5, 8));
      }
      if (date === '2024-06-21') return; // never answers
      return json(200, []);
    }
    if (url.pathname === '/api/papers/search') {
      // As Hugging Face's search answers: the best matches first, near titles among them.
      const q = normalizeTitle(url.searchParams.get('q') ?? '');
      const words = new Set(q.split(' '));
      const scored = sample.map((o) => ({ o, shared: normalizeTitle(o.paper.title).split(' ').filter((w) => words.has(w)).length }));
      return json(200, scored.filter((s) => s.shared > 0).sort((a, b) => b.shared - a.shared).slice(0, 10).map((s) => s.o));
    }
    if (url.pathname === '/api/papers/2405.00001') return json(200, { ...sample[0]!.paper, id: '2405.00001' });
    if (url.pathname.startsWith('/api/papers/')) return json(404, { error: 'Paper not found' });
    if (url.pathname === '/api/query') {
      const id = url.searchParams.get('id_list');
      res.writeHead(200, { 'content-type': 'application/atom+xml' });
      return res.end(readFileSync(join(FIXTURES, 'sources', id === '1803.03635' ? 'arxiv-entry.atom' : 'arxiv-error.atom')));
    }
    if (url.pathname === '/10.18653/v1/N19-1423' && /csl\+json/.test(String(req.headers.accept))) {
      res.writeHead(200, { 'content-type': 'application/vnd.citationstyles.csl+json' });
      return res.end(readFileSync(join(FIXTURES, 'sources', 'doi-csl.json')));
    }
    json(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => replay.server.listen(0, '127.0.0.1', resolve));
  replay.url = `http://127.0.0.1:${(replay.server.address() as AddressInfo).port}`;
  return replay;
}

describe('papers from the source (against a local replay server)', function () {
  this.timeout(30000);
  let replay: Replay;
  const waits: number[] = [];
  const sources = (timeoutMs = 5000) =>
    new PaperSources(fetchClient, {
      endpoints: { huggingFace: replay.url, arxiv: replay.url, doi: replay.url },
      timeoutMs,
      sleep: async (ms) => void waits.push(ms),
    });

  before(async () => {
    replay = await startReplay();
  });
  after(() => {
    replay.server.closeAllConnections();
    replay.server.close();
  });
  beforeEach(() => {
    replay.requests.length = 0;
    waits.length = 0;
  });

  it('fetches a day page by page, and a range with an empty day', async () => {
    const day = await sources().dailyPapers('2024-06-17');
    assert.equal(day.length, 130);
    assert.deepEqual(replay.requests, ['/api/daily_papers?date=2024-06-17&limit=100&p=0', '/api/daily_papers?date=2024-06-17&limit=100&p=1']);
    replay.requests.length = 0;
    const range = await sources().dailyPapers('2024-06-18', '2024-06-19');
    assert.equal(range.length, 5);
    assert.equal(replay.requests.length, 2, 'one request for the empty day, one for the next');
  });

  it('waits as a 429 asks (Retry-After), then succeeds', async () => {
    const papers = await sources().dailyPapers('2024-06-20');
    assert.equal(papers.length, 3);
    assert.deepEqual(waits, [7000, 7000]);
  });

  it('says when a server does not answer in time, or cannot be reached, naming it', async () => {
    await assert.rejects(sources(300).dailyPapers('2024-06-21'), (e: Error) => e instanceof SourceError && /could not be reached at http:\/\/127\.0\.0\.1:\d+: no answer within 0 s/.test(e.message));
    const offline = new PaperSources(fetchClient, { endpoints: { huggingFace: 'http://127.0.0.1:9' } });
    await assert.rejects(offline.dailyPapers('2024-06-19'), (e: Error) => e instanceof SourceError && /Hugging Face could not be reached at http:\/\/127\.0\.0\.1:9/.test(e.message));
  });

  it('adds a paper from Hugging Face, else arXiv, else a DOI, and says which id is unknown', async () => {
    const hf = await sources().paper('https://huggingface.co/papers/2405.00001');
    assert.equal(hf.id, '2405.00001');
    const arxiv = await sources().paper('arXiv:1803.03635v5');
    assert.equal(arxiv.title, 'The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks');
    assert.deepEqual(arxiv.authors, [{ name: 'Jonathan Frankle' }, { name: 'Michael Carbin' }]);
    assert.deepEqual(replay.requests.slice(-2), ['/api/papers/1803.03635', '/api/query?id_list=1803.03635']);
    const doi = await sources().paper('https://doi.org/10.18653/v1/N19-1423');
    assert.equal(doi.title, 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding');
    assert.equal(doi.doi, '10.18653/v1/N19-1423');
    await assert.rejects(sources().paper('9999.99999'), /arXiv has no paper 9999\.99999/);
    await assert.rejects(sources().paper('10.1000/nothing'), /no DOI 10\.1000\/nothing is registered/);
    await assert.rejects(sources().paper('not an id'), /is not an arXiv id/);
    // What was added reads as papers, with their ids and links.
    const { papers } = parseDigest(mergeIntoDigest(undefined, [arxiv, doi]).text, 'added.json');
    assert.deepEqual(papers.map((p) => [p.arxivId, p.doi, p.authors.length]), [['1803.03635', null, 2], [null, '10.18653/v1/N19-1423', 4]]);
  });

  it('completes the papers of a copied page by exact title, keeping their keys, and names those Hugging Face does not know', async () => {
    const known = sample.slice(0, 3).map((o) => o.paper as unknown as { title: string; summary: string; authors: unknown[]; publishedAt: string });
    const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
    const entry = (title: string, abstract: string, authors: number, date: Date) =>
      [title, '', abstract, '', `  • ${authors} authors`, '·', `${date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${date.getUTCDate()}, ${date.getUTCFullYear()}`, ''].join('\n');
    const page = [
      'Daily Papers',
      '',
      ...known.map((p) => entry(oneLine(p.title), oneLine(p.summary), p.authors.length, new Date(p.publishedAt))),
      // Near a real title, but not it: never completed with another paper's details.
      entry(`${oneLine(known[0]!.title)} Revisited`, 'We revisit the method and find that it holds up in a new setting.', 2, new Date(known[0]!.publishedAt)),
    ].join('\n');
    const memory = new KeyMemory();
    const before = Library.fromDigests([{ path: 'page.txt', text: page }], undefined, memory);
    const lacking = papersLackingDetails(before.papers);
    assert.equal(lacking.length, 4, 'a copied page gives no arXiv id and no author names');
    const details = await sources().detailsFor(lacking);
    assert.equal(details.found.length, 3);
    assert.deepEqual(details.missing.map((p) => p.title), [`${oneLine(known[0]!.title)} Revisited`]);
    const after = Library.fromDigests([{ path: 'page.txt', text: page }, { path: 'details.json', text: mergeIntoDigest(undefined, details.found).text }], undefined, memory);
    assert.equal(after.papers.length, 4, 'merged with the page\'s papers, not added beside them');
    for (const paper of before.papers.slice(0, 3)) {
      const completed = after.paper(paper.key);
      assert.ok(completed, `${paper.key} keeps its key`);
      assert.ok(completed.arxivId && completed.authors.length > 0, `${paper.key} has its arXiv id and authors`);
    }
    assert.equal(papersLackingDetails(after.papers).length, 1);
  });

  it('looks an arXiv id up by its DOI after Hugging Face where arXiv cannot be read (vscode.dev)', async () => {
    const web = new PaperSources(fetchClient, { endpoints: { huggingFace: replay.url, arxiv: replay.url, doi: replay.url }, arxiv: false, sleep: async () => undefined });
    await assert.rejects(web.paper('1803.03635'), /no DOI 10\.48550\/arXiv\.1803\.03635 is registered/);
    assert.deepEqual(replay.requests, ['/api/papers/1803.03635', '/10.48550/arXiv.1803.03635'], 'arXiv is never asked');
  });

  it('keeps arXiv to one request every 3 seconds', async () => {
    const s = sources();
    await s.paper('1803.03635');
    await s.paper('1803.03635');
    assert.equal(waits.length, 1);
    assert.ok(waits[0]! > 2000 && waits[0]! <= 3000, String(waits[0]));
  });
});

describe('merging into a digest file', () => {
  it('adds only papers not there yet, keeping the existing text byte for byte', () => {
    const existing = '[\n  {"paper": {"id": "2401.00001", "title": "Kept as written"}}\n]\n';
    const first = mergeIntoDigest(existing, [{ paper: { id: '2401.00001', title: 'Changed' } }, { paper: { id: '2401.00002', title: 'New' } }]);
    assert.equal(first.added, 1);
    assert.ok(first.text.startsWith('[\n  {"paper": {"id": "2401.00001", "title": "Kept as written"}}'));
    assert.equal(parseDigest(first.text, 'd.json').papers.length, 2);
    const again = mergeIntoDigest(first.text, [{ paper: { id: '2401.00002', title: 'New' } }]);
    assert.deepEqual(again, { text: first.text, added: 0 }, 'fetching again adds nothing and changes nothing');
    assert.throws(() => mergeIntoDigest('{"not": "a list"}', []), /not a JSON list/);
    assert.equal(mergeIntoDigest('[]', [{ id: 'x', title: 'T' }]).text, '[\n{"id":"x","title":"T"}\n]');
  });

  it('reads identifiers, dates and Retry-After as people and servers write them', () => {
    assert.deepEqual(parseIdentifier('https://arxiv.org/pdf/2404.11936v2'), { arxiv: '2404.11936' });
    assert.deepEqual(parseIdentifier('doi:10.48550/arXiv.2404.11936'), { arxiv: '2404.11936' });
    assert.deepEqual(parseIdentifier('10.1145/3386569.3392408'), { doi: '10.1145/3386569.3392408' });
    assert.equal(parseIdentifier('lottery'), undefined);
    assert.deepEqual(daysBetween('2024-02-28', '2024-03-01'), ['2024-02-28', '2024-02-29', '2024-03-01']);
    assert.throws(() => daysBetween('2024-02-30', '2024-03-01'), /YYYY-MM-DD/);
    assert.throws(() => daysBetween('2024-03-02', '2024-03-01'), /ends .* before it starts/);
    assert.equal(retryAfterMs('12'), 12000);
    // An automatic fetch: the last day again (its list grows) to today, at most a week; today the first time.
    assert.deepEqual(daysToFetch('2024-06-18', '2024-06-20'), { from: '2024-06-18', to: '2024-06-20' });
    assert.deepEqual(daysToFetch('2024-05-01', '2024-06-20'), { from: '2024-06-14', to: '2024-06-20' });
    assert.deepEqual(daysToFetch(undefined, '2024-06-20'), { from: '2024-06-20', to: '2024-06-20' });
    assert.deepEqual(daysToFetch('2030-01-01', '2024-06-20'), { from: '2024-06-20', to: '2024-06-20' }, 'a day in the future (a clock that was wrong) is not trusted');
    assert.ok((retryAfterMs(new Date(Date.now() + 5000).toUTCString()) ?? 0) > 3000);
  });
});

function run(cwd: string, env: NodeJS.ProcessEnv, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('paper-digest fetch and add', function () {
  this.timeout(30000);
  let replay: Replay;
  before(async () => {
    replay = await startReplay();
  });
  after(() => {
    replay.server.closeAllConnections();
    replay.server.close();
  });
  // Asynchronously: the replay server answers from this process.
  const cli = (cwd: string, ...args: string[]) => run(cwd, { ...process.env, HF_ENDPOINT: replay.url }, args);

  it('fetches a day into a digest, and fetching it again adds nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-fetch-'));
    const first = await cli(dir, 'fetch', '--date', '2024-06-19', '--out', 'papers/daily.json');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /5 papers added to papers\/daily\.json \(0 already there\)/);
    const text = readFileSync(join(dir, 'papers', 'daily.json'), 'utf8');
    assert.equal(parseDigest(text, 'daily.json').papers.length, 5);
    const again = await cli(dir, 'fetch', '--date', '2024-06-19', '--out', 'papers/daily.json');
    assert.match(again.stdout, /0 papers added .* \(5 already there\)/);
    assert.equal(readFileSync(join(dir, 'papers', 'daily.json'), 'utf8'), text);
  });

  it('leaves the file byte-identical and exits 2 with one line naming the endpoint when it cannot be reached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-fetch-'));
    const file = join(dir, 'daily.json');
    writeFileSync(file, '[\n{"paper": {"id": "2401.00001", "title": "Mine"}}\n]\n');
    const before = readFileSync(file);
    const failed = await run(dir, process.env, ['add', '1803.03635', '--out', file, '--hf-endpoint', 'http://127.0.0.1:9']);
    assert.equal(failed.status, 2);
    assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr);
    assert.match(failed.stderr, /Hugging Face could not be reached at http:\/\/127\.0\.0\.1:9/);
    assert.deepEqual(readFileSync(file), before);
    // The control: with the replay server, the same command adds the paper (through arXiv).
    const ok = await cli(dir, 'add', '1803.03635', '--out', file, '--arxiv-endpoint', replay.url);
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(readFileSync(file, 'utf8').includes('The Lottery Ticket Hypothesis'));
  });
});
