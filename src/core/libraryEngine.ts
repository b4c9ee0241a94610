import { HelperThread, helperThreads } from './deriveHelpers';
import { DigestBytes, EngineSettings, HitSummary, KeyFileDisk, KeyFileText, LibraryBegin, LibraryChunk, LibraryEnd, LoadRequest, MentionSettings, PAPERS_PER_MESSAGE, PlacedTree, SimilarSummary, SnapshotFiles, unreadableDigest } from './engineProtocol';
import { keyFileStore } from './keyFileStore';
import { Library, MentionOptions } from './library';
import { DigestRead, LibraryLoader, ListedDigest, LoaderLog, SnapshotStore } from './libraryLoader';
import { Paper, Problem, sameValue } from './model';
import { NoteScan } from './noteScanner';
import { abstractSnippet, paperSummary } from './paperCard';
import { PaperGrouping, PaperSort } from './paperCatalog';
import { RpcEndpoint } from './rpc';
import { SearchOptions } from './searchIndex';
import { QuietTasks, inSlices } from './quietTasks';
import { SUMMARIES_PER_PIECE, SnapshotError, SummaryCodec, encodeSnapshotInSteps, openSnapshot } from './snapshotCodec';
import { taxonomyWithUserTechniques } from './techniques';
import { decodeInBlocks, sha256 } from './text';
import { closestPapers, similarPapers } from './writing';

/** How long the editor must stop asking before work that can wait runs (a pause in typing). */
const QUIET_MS = 250;

/**
 * The library engine: the library loader, the search index and the names matcher, in a
 * worker of their own (src/worker/), so that reading, indexing and saving 50,000 papers
 * never holds the editor's thread. The editor talks to it through `RpcEndpoint`:
 *
 * - it asks the engine to load, and tells it of changed files and settings;
 * - the engine asks the editor for bytes (digests, the key file, the saved index), since
 *   only the editor can read the workspace (remote and virtual file systems included),
 *   except those on this machine's disk where it reads the disk itself (EngineHost);
 * - the engine sends each new library's papers to the editor as summaries, in chunks, for
 *   the lookups that must answer at once (tree, hover, preview); searching, completion
 *   and note scanning are requests.
 */

/**
 * What the engine can reach on its own where it runs: a Node worker reads the disk, so that
 * a digest's bytes (86 MB for 50,000 papers) and the saved index never pass through the
 * editor's thread. The editor still decides what is read (paths, sizes, versions).
 */
export interface EngineHost {
  snapshotFiles?(folder: string): SnapshotFiles;
  readFile?(path: string): Promise<Uint8Array>;
  /** The key file, where it is on this machine's disk (see keyFileStore.ts). */
  keyFileDisk?: KeyFileDisk;
  /** How summaries are stored in the saved index, used when the editor decodes the same. */
  summaryCodec?: SummaryCodec;
  /** Threads a cold build shares its deriving with (see deriveHelpers.ts): how many, how one starts, and for how much work (HELPERS_WORTH_MS by default). */
  helperThreads?: { count: number; start(): HelperThread; worthMs?: number };
}

/** The fields of a paper its summary carries (the keywords are left out); the type makes a new field choose. */
const SUMMARY_FIELDS = Object.keys({
  id: true, key: true, extraKeys: true, title: true, abstract: true, shortName: true, aliases: true, date: true,
  upvotes: true, authorCount: true, authors: true, creators: true, publication: true, organization: true,
  techniques: true, links: true, url: true, arxivId: true, doi: true, source: true, sources: true,
} satisfies Record<Exclude<keyof Paper, 'keywords'>, true>) as Array<keyof Paper>;

/**
 * Whether the editor's summary of `before` still stands for `after`: every field it carries
 * is equal (the whole abstract compared, not only its lead). After a digest is parsed again
 * every paper is a new object, but comparing equal strings is cheap: ~40 ms at 50,000
 * papers, where serialising and hashing each summary took ~0.4 s.
 */
function sameSummary(before: Paper, after: Paper): boolean {
  return before === after || SUMMARY_FIELDS.every((field) => sameValue(before[field], after[field]));
}

/** Serves the engine on `rpc` (the worker's side of the port). */
export function serveLibraryEngine(rpc: RpcEndpoint, host: EngineHost = {}): void {
  let loader: LibraryLoader | undefined;
  let techniques: unknown = [];
  let generation = 0;
  /**
   * The codec of summaries the editor takes (named at `start`): a library sent whole goes
   * encoded, for the editor to open at once and decode in its own time. Dropped when the
   * editor asks for the papers again (it could not take them).
   */
  let codec: SummaryCodec | undefined;
  /**
   * The summaries of the last library sent whole, as encoded for the editor (copies: those
   * sent were handed over), for the save of the same papers to store instead of encoding
   * them again (~0.5 s at 50,000 papers); let go once saved or when another library is sent.
   */
  let sentEncoded: { papers: readonly Paper[]; pieces: Uint8Array[] } | undefined;
  /**
   * The papers whose summaries the editor holds (those of the last library sent, which is
   * alive anyway), by key when the next library is compared with them; nothing before the
   * first library.
   */
  let sent: { papers: readonly Paper[]; byKey?: Map<string, Paper> } | undefined;
  /**
   * A warm start's library, begun the moment the saved index opened: its summaries went
   * as saved (the editor decodes them while this thread restores the index), and it ends
   * (`ended`) once the restore searches, before its papers are decoded and it is published.
   * Only during that load.
   */
  let restoring: { generation: number; count: number; ended?: boolean } | undefined;
  /** The generation each library was sent as: an answer in places (the tree's) names it, for the editor to check it holds that library. */
  const generationOf = new WeakMap<Library, number>();
  /** Answers the editor sent with `load` (see LoadRequest), each taken by the first ask for it. */
  let sentWithLoad: LoadRequest = {};
  const takeSent = <K extends keyof LoadRequest>(key: K): LoadRequest[K] => {
    const value = sentWithLoad[key];
    sentWithLoad[key] = undefined;
    return value;
  };
  const log: LoaderLog = {
    info: (message) => rpc.notify('log', { level: 'info', message }),
    warn: (message) => rpc.notify('log', { level: 'warn', message }),
    error: (message) => rpc.notify('log', { level: 'error', message }),
  };
  const quiet = new QuietTasks(QUIET_MS, (error) => log.error(`Background work failed: ${String(error)}`));
  /** Every request the editor makes postpones the work that can wait. */
  const handle = <P>(method: string, handler: (params: P) => unknown) =>
    rpc.handle<P>(method, (params) => {
      quiet.touch();
      return handler(params);
    });
  const started = (): LibraryLoader => {
    if (!loader) throw new Error('the library engine was not started');
    return loader;
  };
  /** The library once whole (a restore decodes its papers after it searches: what needs them waits). */
  const library = (): Promise<Library> => started().whole();

  handle<EngineSettings>('start', (settings) => {
    techniques = settings.techniques;
    codec = host.summaryCodec && host.summaryCodec.id === settings.summaryCodec ? host.summaryCodec : undefined;
    const files = settings.snapshotFolder && host.snapshotFiles ? host.snapshotFiles(settings.snapshotFolder) : editorSnapshotFiles(rpc);
    loader?.dispose();
    loader = new LibraryLoader(
      {
        digests: {
          list: async () => takeSent('digests') ?? rpc.request<ListedDigest[]>('digests.list'),
          version: (path) => rpc.request<string>('digests.version', { path }),
          read: (path) => readDigest(rpc, host, path),
        },
        snapshots: snapshotStore(files, codec, {
          opened: (count, pieces, problems) => {
            const id = ++generation;
            rpc.notify('library.begin', { generation: id, inOrder: true, changed: count, problems, techniques } satisfies LibraryBegin);
            for (const piece of pieces) {
              const encoded = piece.slice(); // its own buffer, handed over without another copy
              rpc.notify('library.papers', { generation: id, encoded } satisfies LibraryChunk, [encoded.buffer as ArrayBuffer]);
            }
            restoring = { generation: id, count };
          },
          unusable: () => {
            restoring = undefined; // the library that follows begins anew: the editor drops this one
          },
          encodedSummaries: (papers) => {
            const sent = sentEncoded;
            sentEncoded = undefined;
            return sent && sent.papers.length === papers.length && sent.papers.every((paper, i) => paper === papers[i]) ? sent.pieces : undefined;
          },
        }, () => quiet.untilQuiet()),
        keys: keyFileStore(
          { read: (request) => rpc.request<KeyFileText>('keys.read', request), write: (text) => rpc.request<string | undefined>('keys.write', { text }) },
          host.keyFileDisk,
          () => takeSent('keyFile'),
        ),
        taxonomy: () => {
          const { taxonomy, problems } = taxonomyWithUserTechniques(techniques);
          for (const problem of problems) log.warn(problem);
          return { taxonomy, identity: JSON.stringify(techniques ?? []) };
        },
        hash: sha256,
        log,
        saveDelayMs: settings.saveDelayMs,
        whenQuiet: (task) => quiet.add(task),
        untilQuiet: () => quiet.untilQuiet(),
        helpers: host.helperThreads?.count ? helperThreads(host.helperThreads.count, host.helperThreads.start, () => techniques, host.helperThreads.worthMs) : undefined,
      },
      settings.version,
    );
    loader.onDidChange((built, restored) => publish(built, restored));
  });

  /** The end of the restored library's summaries, sent as saved when it opened: the editor takes them (once). */
  function endRestored(saved: { generation: number; ended?: boolean }): void {
    if (saved.ended) return;
    saved.ended = true;
    // Until the editor has taken it (`library.taken`), work that can wait would only slow it down.
    quiet.hold();
    rpc.notify('library.end', { generation: saved.generation } satisfies LibraryEnd);
  }

  /** Sends the library: its keys, and the summaries the editor does not have yet, a chunk per message. */
  function publish(built: Library, restored = false): void {
    const saved = restoring;
    restoring = undefined;
    if (saved && restored && saved.count === built.papers.length) {
      // Restored from the saved index whose summaries went when it opened: no building, no cloning.
      endRestored(saved);
      sent = { papers: built.papers };
      generationOf.set(built, saved.generation);
      return;
    }
    quiet.hold();
    const id = ++generation;
    generationOf.set(built, id);
    const previous = sent && (sent.byKey ??= new Map(sent.papers.map((paper) => [paper.key, paper])));
    // The editor has nothing yet: everything goes; else what it holds no longer stands for.
    const changed = built.papers.filter((paper) => !previous?.has(paper.key) || !sameSummary(previous.get(paper.key)!, paper)).map(paperSummary);
    const before = sent?.papers;
    const sameKeys = !!before && before.length === built.papers.length && built.papers.every((paper, i) => paper.key === before[i]!.key);
    sent = { papers: built.papers };
    // Every summary goes (a cold start): in library order, so the editor places each as it arrives, without
    // a list of 50,000 keys to match them to at the end (30-55 ms of its thread in one go).
    const whole = changed.length === built.papers.length;
    rpc.notify('library.begin', { generation: id, ...(whole ? { inOrder: true } : sameKeys ? {} : { keys: built.papers.map((p) => p.key) }), changed: changed.length, problems: [...built.problems], techniques } satisfies LibraryBegin);
    sentEncoded = undefined;
    if (whole && codec) {
      // As bytes: 50 messages of 1,000 papers as objects were taken in one turn of the editor's
      // event loop (a port hands over all it has), 0.3-0.4 s at a cold start at 50,000 papers.
      const pieces: Uint8Array[] = [];
      for (let i = 0; i < changed.length; i += SUMMARIES_PER_PIECE) {
        const encoded = codec.encode(changed.slice(i, i + SUMMARIES_PER_PIECE));
        pieces.push(encoded.slice());
        rpc.notify('library.papers', { generation: id, encoded } satisfies LibraryChunk, [encoded.buffer as ArrayBuffer]);
      }
      sentEncoded = { papers: built.papers, pieces };
    } else {
      for (let i = 0; i < changed.length; i += PAPERS_PER_MESSAGE) {
        rpc.notify('library.papers', { generation: id, papers: changed.slice(i, i + PAPERS_PER_MESSAGE) } satisfies LibraryChunk);
      }
    }
    rpc.notify('library.end', { generation: id } satisfies LibraryEnd);
  }

  handle<LoadRequest | undefined>('load', async (request) => {
    sentWithLoad = request ?? {};
    // Answered once search answers: a restore's papers are still being decoded then, while the
    // editor takes the summaries sent as saved.
    await started().loadUntilSearchable();
    const loader = started();
    if (restoring && loader.lastLoad?.fromSavedIndex && restoring.count === loader.lastLoad.papers) endRestored(restoring);
    else {
      restoring = undefined; // a load that failed after the index opened published no restored library: those summaries stand for nothing
      // None sent as saved (the web, another runtime's index): the editor has nothing to show until the library is published.
      await loader.whole();
    }
    return loader.lastLoad;
  });
  handle('syncDigests', () => started().syncDigests());
  handle<{ paths: string[] }>('digestsChanged', ({ paths }) => started().digestsChanged(paths));
  handle<{ path: string }>('digestDeleted', ({ path }) => started().digestDeleted(path));
  handle('keysChanged', () => started().keysChanged());
  handle<{ techniques: unknown }>('techniquesChanged', (params) => {
    techniques = params.techniques;
    return started().techniquesChanged();
  });
  // The editor has taken a library: it was busy until now, so work that can wait waits on.
  rpc.on('library.taken', () => quiet.touch());
  handle('saveNow', () => started().saveNow());
  // The editor could not take the summaries as saved: every paper again, as objects.
  handle('resendLibrary', async () => {
    const whole = await library();
    sent = undefined;
    codec = undefined;
    publish(whole);
  });
  handle('flushPendingSave', () => started().flushPendingSave());
  handle('idle', () => started().idle());

  // Search answers during a restore too, from the saved index (see LibraryLoader.loadUntilSearchable).
  handle<{ query: string; options: SearchOptions }>('search', ({ query, options }): HitSummary[] =>
    started()
      .search(query, options)
      .map((hit) => ({ key: hit.paper.key, score: hit.score, matchedTerms: hit.matchedTerms, snippet: abstractSnippet(hit.paper.abstract, hit.matchedTerms) })),
  );
  handle<{ grouping: PaperGrouping; sort: PaperSort }>('tree', async ({ grouping, sort }): Promise<PlacedTree> => {
    const whole = await library();
    return { generation: generationOf.get(whole), categories: whole.placedTree(grouping, sort) };
  });
  handle<{ prefix: string; limit: number }>('completions', async ({ prefix, limit }) => (await library()).completionEntries(prefix, limit));
  handle<{ markdown: string; mentions: MentionSettings; ownKeys: string[] }>('scanNote', async ({ markdown, mentions, ownKeys }): Promise<NoteScan> => {
    const options: MentionOptions = { enabled: mentions.enabled, ignoredNames: new Set(mentions.ignoredNames ?? []) };
    return (await library()).scanNote(markdown, options, new Set(ownKeys));
  });
  handle<{ key: string; limit: number }>('closest', async ({ key, limit }) => closestPapers(await library(), key, limit).map((p) => p.key));
  handle<{ key: string; limit: number }>('similar', async ({ key, limit }): Promise<SimilarSummary[]> => {
    const whole = await library();
    const paper = whole.paper(key);
    return paper ? similarPapers(whole, paper, limit).map((s) => ({ key: s.paper.key, score: s.score, reason: s.reason })) : [];
  });
  handle<{ keys: string[] }>('papers', async ({ keys }) => {
    const whole = await library();
    return keys.map((key) => whole.paper(key)).filter((p): p is Paper => !!p);
  });
}

/** A digest as the loader wants it: decoded, read by the editor or, given its path, by the engine itself. */
async function readDigest(rpc: RpcEndpoint, host: EngineHost, path: string): Promise<DigestRead> {
  const answer = await rpc.request<DigestBytes>('digests.read', { path, onDisk: !!host.readFile });
  if ('problem' in answer) return answer;
  try {
    if (!('bytes' in answer) && !host.readFile) throw new Error('this engine does not read files itself');
    const bytes = 'bytes' in answer ? answer.bytes : await host.readFile!(answer.file);
    return { text: decodeInBlocks(bytes), version: answer.version, bytes };
  } catch (error) {
    return unreadableDigest(path, error); // gone or locked between the editor's look at it and this read
  }
}

/** The saved index's bytes, kept by the editor. */
function editorSnapshotFiles(rpc: RpcEndpoint): SnapshotFiles {
  return {
    read: async (key) => (await rpc.request<Uint8Array | null>('snapshot.read', { key })) ?? undefined,
    write: (key, bytes) => rpc.request('snapshot.write', { key, bytes }, [bytes.buffer as ArrayBuffer]),
    delete: (key) => rpc.request('snapshot.delete', { key }),
  };
}

/** What the engine does with a saved index it opened: sends its summaries; drops them if the index turns out unusable. */
interface SavedIndexEvents {
  opened(count: number, summaries: Uint8Array[], problems: Problem[]): void;
  unusable(): void;
  /** The summaries of these very papers as already encoded (sent to the editor), if they were. */
  encodedSummaries(papers: readonly Paper[]): Uint8Array[] | undefined;
}

/** The saved index: encoded and decoded here, wherever its bytes are kept. */
function snapshotStore(files: SnapshotFiles, codec: SummaryCodec | undefined, events: SavedIndexEvents, untilQuiet: () => Promise<void>): SnapshotStore {
  return {
    async load(key) {
      const bytes = await files.read(key);
      if (!bytes) return {}; // no saved index yet: build afresh
      try {
        const opened = openSnapshot(bytes, codec?.id);
        if (!opened) return { discarded: 'it was written by another version' };
        // Sent once the index's front checked out, before the rest is checked and decoded: the editor
        // takes them while this thread restores the library (and drops them if the rest turns out changed).
        if (opened.summaries) events.opened(opened.count, opened.summaries, opened.problems);
        // Saved without summaries the editor can take (by another runtime): saved again, with them.
        return { snapshot: opened.decode(), ...(codec && !opened.summaries ? { outdated: true } : {}) };
      } catch (error) {
        events.unusable();
        await files.delete(key).catch(() => undefined);
        return { discarded: error instanceof SnapshotError ? error.message : `it cannot be read (${String(error)})` };
      }
    },
    // In slices, while the editor asks nothing: encoding 50,000 papers held the engine 1-3 s, and whatever it asked waited.
    save: async (key, snapshot) => files.write(key, await inSlices(encodeSnapshotInSteps(snapshot, codec, events.encodedSummaries(snapshot.papers)), untilQuiet)),
  };
}
