import * as vscode from 'vscode';
import type { HfObject, PaperSources } from '../core/paperSources';
import { decodeText } from '../core/text';
import { fetchClient } from '../fetchClient';
import { CommandFactory } from './commands';
import { LibraryService } from './libraryService';
import { noteReaders } from './lazyModules';

/**
 * Fetch Daily Papers… and Add Paper…: papers from Hugging Face, arXiv or a DOI into the
 * workspace's Hugging Face JSON digest (`paperDigest.dailyPapers.file`), which the library
 * then watches like any digest. A progress notification with Cancel; on any failure the
 * file is left as it was and the message names what failed.
 */
export const FETCH_COMMANDS: Readonly<Record<string, CommandFactory<PaperFetchCommands>>> = {
  'paperDigest.fetchDailyPapers': (f) => () => f.fetchDailyPapers(),
  'paperDigest.addPaper': (f) => (ids?: string) => f.addPaper(ids),
  'paperDigest.completeDetails': (f) => () => f.completeDetails(),
};

export class PaperFetchCommands {
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly service: LibraryService,
  ) {}

  async fetchDailyPapers(): Promise<void> {
    const range = await askDays();
    if (!range) return;
    await this.into(`Daily Papers ${range.from === range.to ? range.from : `${range.from} to ${range.to}`}`, (sources) => sources.dailyPapers(range.from, range.to));
  }

  async addPaper(given?: string): Promise<void> {
    const text =
      given ??
      (await vscode.window.showInputBox({
        title: 'Paper Digest: Add Paper',
        prompt: 'arXiv ids or URLs, Hugging Face paper URLs or DOIs (several: separate them with spaces)',
        placeHolder: '2404.11936 https://arxiv.org/abs/1803.03635 10.18653/v1/N19-1423',
        ignoreFocusOut: true,
      }));
    const ids = text?.split(/[\s,]+/).filter(Boolean) ?? [];
    if (!ids.length) return;
    await this.into(ids.length === 1 ? ids[0]! : `${ids.length} papers`, async (sources) => {
      const papers: HfObject[] = [];
      for (const id of ids) papers.push(await sources.paper(id));
      return papers;
    });
  }

  /**
   * Complete Paper Details: the arXiv id, authors and abstract of papers from a copied
   * page, found by exact title on Hugging Face, go into the workspace's Hugging Face
   * digest, where the library merges them with the page's papers (keys do not change).
   */
  async completeDetails(): Promise<void> {
    const library = await this.service.current();
    await library.whenDecoded();
    const lacking = noteReaders().paperSources.papersLackingDetails(library.papers);
    if (!lacking.length) {
      void vscode.window.showInformationMessage('Paper Digest: every paper already has its arXiv id or DOI and its authors.');
      return;
    }
    let missing: string[] = [];
    await this.into(`details of ${lacking.length} paper${lacking.length === 1 ? '' : 's'}`, async (sources) => {
      const details = await sources.detailsFor(lacking);
      missing = details.missing.map((p) => p.title);
      return details.found;
    });
    if (missing.length) this.log.info(`Complete Paper Details: Hugging Face has no paper titled exactly so: ${missing.map((t) => `"${t}"`).join(', ')}.`);
  }

  /**
   * `paperDigest.dailyPapers.autoFetch`: on start, the Daily Papers from the last day
   * fetched to today (at most a week), quietly: progress in the status bar, the outcome
   * in the log, nothing shown when offline. The last day is remembered per workspace.
   */
  async autoFetch(state: vscode.Memento): Promise<boolean> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || !vscode.workspace.getConfiguration('paperDigest', folder.uri).get<boolean>('dailyPapers.autoFetch', false)) return false;
    const today = new Date().toISOString().slice(0, 10);
    const range = noteReaders().paperSources.daysToFetch(state.get<string>(LAST_FETCHED_DAY), today);
    const fetched = await this.into(`Daily Papers ${range.from === range.to ? range.from : `${range.from} to ${range.to}`}`, (sources) => sources.dailyPapers(range.from, range.to), { quiet: true });
    if (fetched) await state.update(LAST_FETCHED_DAY, today);
    return fetched;
  }

  /** Fetches, then merges into the digest file; nothing is written unless every request succeeded. True when it succeeded. */
  private async into(what: string, fetch: (sources: PaperSources) => Promise<HfObject[]>, { quiet = false } = {}): Promise<boolean> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      if (!quiet) void vscode.window.showErrorMessage('Paper Digest: open a folder first; the papers are written to a digest file in it.');
      return false;
    }
    const relative = vscode.workspace.getConfiguration('paperDigest', folder.uri).get<string>('dailyPapers.file', 'papers/daily-papers.json').trim() || 'papers/daily-papers.json';
    const target = vscode.Uri.joinPath(folder.uri, relative);
    try {
      const result = await vscode.window.withProgress(
        { location: quiet ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: `Paper Digest: fetching ${what}`, cancellable: !quiet },
        async (progress, token) => {
          const sources = new (noteReaders().paperSources.PaperSources)(fetchClient, {
            endpoints: endpoints(),
            cancelled: () => token.isCancellationRequested,
            progress: (message) => progress.report({ message }),
            // In a browser (vscode.dev) arXiv's answers cannot be read: no CORS header.
            arxiv: vscode.env.uiKind !== vscode.UIKind.Web,
          });
          const objects = await fetch(sources);
          const existing = await readIfAny(target);
          const merged = noteReaders().paperSources.mergeIntoDigest(existing, objects);
          if (merged.added) {
            await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
            await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(merged.text));
          }
          return { added: merged.added, already: objects.length - merged.added };
        },
      );
      const listed = await ensureDigestSetting(relative);
      const message = `Paper Digest: ${result.added} paper${result.added === 1 ? '' : 's'} added to ${relative}${result.already ? ` (${result.already} already there)` : ''}.${listed ? ` ${relative} was added to paperDigest.digests.` : ''}`;
      this.log.info(message);
      if (!quiet || result.added) void vscode.window.showInformationMessage(message);
      return true;
    } catch (error) {
      const message = error instanceof noteReaders().paperSources.SourceError ? error.message : String(error);
      this.log.warn(`Fetching ${what}: ${message}`);
      if (message !== 'cancelled' && !quiet) void vscode.window.showErrorMessage(`Paper Digest: ${message}. ${relative} is unchanged.`);
      return false;
    }
  }
}

/** The workspace state key of the last day `autoFetch` fetched. */
const LAST_FETCHED_DAY = 'paperDigest.dailyPapers.lastFetchedDay';

/** Today, yesterday, this week, or a date or range typed as YYYY-MM-DD[..YYYY-MM-DD]. */
async function askDays(): Promise<{ from: string; to: string } | undefined> {
  const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
  const weekday = (new Date().getUTCDay() + 6) % 7; // Monday = 0
  const choices = [
    { label: 'Today', range: { from: day(0), to: day(0) } },
    { label: 'Yesterday', range: { from: day(1), to: day(1) } },
    { label: 'This week', description: `${day(weekday)} to ${day(0)}`, range: { from: day(weekday), to: day(0) } },
    { label: 'A date or a range…', range: undefined },
  ];
  const choice = await vscode.window.showQuickPick(choices, { title: 'Paper Digest: Fetch Daily Papers' });
  if (!choice) return undefined;
  if (choice.range) return choice.range;
  const typed = await vscode.window.showInputBox({
    title: 'Paper Digest: Fetch Daily Papers',
    prompt: 'A date (YYYY-MM-DD) or a range (YYYY-MM-DD..YYYY-MM-DD)',
    value: day(0),
    validateInput: (value) => (/^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$/.test(value.trim()) ? undefined : 'YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD'),
  });
  if (!typed) return undefined;
  const [from, to] = typed.trim().split('..');
  return { from: from!, to: to ?? from! };
}

function endpoints() {
  const config = vscode.workspace.getConfiguration('paperDigest.sources');
  const setting = (name: string) => config.get<string>(name, '').trim() || undefined;
  return {
    huggingFace: setting('huggingFaceEndpoint') ?? (typeof process !== 'undefined' ? process.env.HF_ENDPOINT : undefined),
    arxiv: setting('arxivEndpoint'),
    doi: setting('doiEndpoint'),
  };
}

async function readIfAny(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return decodeText(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** Names the file in the workspace's `paperDigest.digests` when it is not there yet; true when it added it. */
async function ensureDigestSetting(relative: string): Promise<boolean> {
  const config = vscode.workspace.getConfiguration('paperDigest');
  const digests = config.get<unknown>('digests', []);
  const list = Array.isArray(digests) ? digests.filter((d): d is string => typeof d === 'string') : [];
  if (list.some((d) => d.trim() === relative || d.trim() === `./${relative}`)) return false;
  await config.update('digests', [...list, relative], vscode.ConfigurationTarget.Workspace);
  return true;
}
