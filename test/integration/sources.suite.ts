import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { PaperDigestApi, activateExtension, readText, until, workspaceFile } from './helpers';

/**
 * Add Paper… in the real extension host, against a local server standing in for Hugging
 * Face (never the live service): the paper lands in the workspace's digest file, the
 * digest is named in the settings, and the library knows the paper at once.
 */
describe('Papers from the source', function () {
  this.timeout(60000);
  let api: PaperDigestApi;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/api/papers/search') {
      // Hugging Face knows one paper of the bundled page (LD-Pruner), by its exact title.
      const known = url.searchParams.get('q') === ldPrunerTitle;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(known ? [{ paper: { id: '2404.11936', title: ldPrunerTitle, summary: 'Latent Diffusion Models are pruned task-agnostically.', authors: ['Thibault Castells', 'Hyoung-Kyu Song', 'Bo-Kyeong Kim', 'Shinkook Choi'].map((name) => ({ name })), publishedAt: '2024-04-18T00:00:00.000Z', upvotes: 1 } }] : []));
    } else if (url.pathname === '/api/daily_papers') {
      // Every day's list holds one paper (page 0 only).
      dailyAsks.push(url.searchParams.get('date') ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      const paper = { id: '2406.88888', title: 'Quokka Quantization: A Replayed Daily Paper', summary: 'We quantize quokkas.', authors: [{ name: 'Ada Tester' }], publishedAt: '2024-06-21T00:00:00.000Z', upvotes: 2 };
      res.end(JSON.stringify(url.searchParams.get('p') === '0' ? [{ paper, publishedAt: paper.publishedAt, title: paper.title }] : []));
    } else if (req.url === '/api/papers/2406.99999') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: '2406.99999', title: 'Zebrafish Pruning: A Replayed Test Paper', summary: 'We prune zebrafish networks.', authors: [{ name: 'Ada Tester' }], publishedAt: '2024-06-20T00:00:00.000Z', upvotes: 3 }));
    } else {
      res.writeHead(404);
      res.end('{}');
    }
  });

  let digestsBefore: unknown;
  let ldPrunerTitle = '';
  const dailyAsks: string[] = [];
  before(async () => {
    api = await activateExtension();
    ldPrunerTitle = api.service.snapshot.paper('ldpruner2024')!.title;
    digestsBefore = vscode.workspace.getConfiguration('paperDigest').inspect('digests')?.workspaceValue;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await vscode.workspace.getConfiguration('paperDigest.sources').update('huggingFaceEndpoint', url, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('paperDigest').update('dailyPapers.file', 'fetched/added.json', vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    server.close();
    await vscode.workspace.getConfiguration('paperDigest.sources').update('huggingFaceEndpoint', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('paperDigest').update('dailyPapers.file', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('paperDigest').update('digests', digestsBefore, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.delete(workspaceFile('fetched'), { recursive: true });
  });

  it('adds a paper by its arXiv id to the workspace digest, which the library then reads', async () => {
    assert.equal((await api.service.snapshot.search('zebrafish')).length, 0, 'the control: no such paper before');
    await vscode.commands.executeCommand('paperDigest.addPaper', '2406.99999');
    const text = await readText(workspaceFile('fetched/added.json'));
    assert.match(text, /Zebrafish Pruning/);
    assert.ok((vscode.workspace.getConfiguration('paperDigest').get<string[]>('digests') ?? []).includes('fetched/added.json'));
    const hit = await until('the library to know the added paper', async () => (await api.service.snapshot.search('zebrafish'))[0], 30000);
    assert.equal(hit.paper.title, 'Zebrafish Pruning: A Replayed Test Paper');
    assert.equal(hit.paper.url, 'https://arxiv.org/abs/2406.99999');
    // Adding it again changes nothing.
    await vscode.commands.executeCommand('paperDigest.addPaper', '2406.99999');
    assert.equal(await readText(workspaceFile('fetched/added.json')), text);
  });

  it('completes a copied page\'s paper with its arXiv id and authors found by exact title, keeping its key', async () => {
    const before = api.service.snapshot.paper('ldpruner2024')!;
    assert.equal(before.arxivId, null, 'the control: the copied page gives no arXiv id');
    await vscode.commands.executeCommand('paperDigest.completeDetails');
    const completed = await until('the completed paper', () => {
      const paper = api.service.snapshot.paper('ldpruner2024');
      return paper?.arxivId ? paper : undefined;
    }, 30000);
    assert.equal(completed.arxivId, '2404.11936');
    assert.deepEqual(completed.authors, ['Thibault Castells', 'Hyoung-Kyu Song', 'Bo-Kyeong Kim', 'Shinkook Choi']);
    assert.equal(api.service.snapshot.papers.filter((p) => p.title === before.title).length, 1, 'one paper, not two');
  });

  it('fetches new Daily Papers on start only when paperDigest.dailyPapers.autoFetch is on', async () => {
    assert.equal(await api.autoFetch(), false, 'off by default: nothing fetched');
    assert.deepEqual(dailyAsks, [], 'and nothing asked');
    await vscode.workspace.getConfiguration('paperDigest').update('dailyPapers.autoFetch', true, vscode.ConfigurationTarget.Workspace);
    try {
      assert.equal(await api.autoFetch(), true);
      assert.deepEqual(dailyAsks, [new Date().toISOString().slice(0, 10)], 'today, the first time');
      assert.match(await readText(workspaceFile('fetched/added.json')), /Quokka Quantization/);
      await until('the library to know the fetched paper', async () => (await api.service.snapshot.search('quokka'))[0], 30000);
    } finally {
      await vscode.workspace.getConfiguration('paperDigest').update('dailyPapers.autoFetch', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
