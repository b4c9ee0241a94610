import * as vscode from 'vscode';
import { CommandContext, PAPER_COMMANDS, insertPapers, registerCommands } from './vscode/commands';
import { CslStyles } from './vscode/cslStyles';
import { CitationDiagnostics, CitationQuickFixes } from './vscode/citationDiagnostics';
import { CitationCompletionProvider } from './vscode/completion';
import { DigestFiles } from './vscode/digestFiles';
import { DigestProblems } from './vscode/digestProblems';
import { PaperHoverProvider } from './vscode/hover';
import { IndexStore } from './vscode/indexStore';
import { KeyMemoryFile } from './vscode/keyMemoryFile';
import { engineWorkerFactory } from './vscode/engineWorker';
import { LibraryService } from './vscode/libraryService';
import { PaperDefinitionProvider, PaperReferenceProvider } from './vscode/navigation';
import { CitedInView, NoteIndex } from './vscode/noteIndex';
import { NOTE_SELECTOR, NoteScopes } from './vscode/noteScopes';
import { FETCH_COMMANDS, PaperFetchCommands } from './vscode/paperFetch';
import { PaperPanel } from './vscode/paperPanel';
import { citationPreviewPlugin } from './vscode/previewCitations';
import { ReferenceLinkDiagnostics } from './vscode/referenceLinks';
import { PaperCountStatus } from './vscode/statusBar';
import { TechniqueTreeProvider } from './vscode/techniqueTree';

/** Wires the features together; each lives in its own file under src/vscode/. */
export function activate(context: vscode.ExtensionContext) {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Paper Digest', { log: true });
  const files = new DigestFiles(context.extensionUri);
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0');
  const store = new IndexStore(context.storageUri ?? context.globalStorageUri);
  const keys = new KeyMemoryFile(undefined, () => files.hasOwnDigests);
  const service = new LibraryService(files, store, log, keys, version, engineWorkerFactory(context.extensionUri, (message) => log.info(message), context.globalStorageUri));
  const scopes = new NoteScopes(service, log);
  const tree = new TechniqueTreeProvider(service);
  const treeView = vscode.window.createTreeView('paperDigest.techniques', { treeDataProvider: tree, showCollapseAll: true });
  const notes = new NoteIndex(service, scopes);
  const citedIn = new CitedInView(notes);
  const citedInView = vscode.window.createTreeView('paperDigest.citedIn', { treeDataProvider: citedIn });
  const panel: PaperPanel = new PaperPanel(service, (paper) => insertPapers(commands, [paper]));
  const styles = new CslStyles(context.extensionUri);
  const commands: CommandContext = { service, tree, treeView, panel, notes, scopes, styles };
  const fetching = new PaperFetchCommands(log, service);
  const autoFetch = () => service.current().then(() => fetching.autoFetch(context.workspaceState));
  const hover = new PaperHoverProvider(scopes, notes, styles);
  const completion = new CitationCompletionProvider(scopes);

  context.subscriptions.push(
    log,
    files,
    keys,
    service,
    scopes,
    new DigestProblems(service, log),
    new PaperCountStatus(service),
    tree,
    treeView,
    panel,
    ...registerCommands(PAPER_COMMANDS, commands),
    ...registerCommands(FETCH_COMMANDS, fetching),
    notes,
    citedIn,
    citedInView,
    treeView.onDidChangeSelection((e) => {
      const node = e.selection[0];
      citedIn.show(node?.kind === 'paper' ? node.paper.key : undefined);
      citedInView.description = node?.kind === 'paper' ? (node.paper.shortName ?? node.paper.title) : undefined;
    }),
    new CitationDiagnostics(service, scopes),
    new ReferenceLinkDiagnostics(),
    vscode.languages.registerCodeActionsProvider(NOTE_SELECTOR, new CitationQuickFixes(service), CitationQuickFixes.metadata),
    vscode.languages.registerDefinitionProvider(NOTE_SELECTOR, new PaperDefinitionProvider(scopes)),
    vscode.languages.registerReferenceProvider(NOTE_SELECTOR, new PaperReferenceProvider(scopes, notes)),
    vscode.languages.registerHoverProvider(NOTE_SELECTOR, hover),
    vscode.languages.registerCompletionItemProvider(NOTE_SELECTOR, completion, '@', '{'),
  );
  active = service;
  // paperDigest.dailyPapers.autoFetch: new Daily Papers once the library is loaded.
  void autoFetch();
  // Other extensions and tests wait on `ready` rather than on timing (the library loads after
  // activate() returns). The internals are handed out only outside production, for the
  // integration tests and the benchmark.
  const api: PaperDigestApi = {
    ready: service.current().then(() => undefined),
    activateMs: performance.now() - started,
    // VS Code's Markdown preview asks for this (contributes.markdown.markdownItPlugins).
    extendMarkdownIt: citationPreviewPlugin(service, styles),
  };
  if (context.extensionMode === vscode.ExtensionMode.Production) return api;
  const internals: PaperDigestTestApi = { ...api, tree, service, notes, scopes, citedIn, hover, completion, autoFetch };
  return internals;
}

/** What the extension exports. */
export interface PaperDigestApi {
  ready: Promise<void>;
  activateMs: number;
  extendMarkdownIt: ReturnType<typeof citationPreviewPlugin>;
}

/** The internals, in development and test mode only. */
export interface PaperDigestTestApi extends PaperDigestApi {
  tree: TechniqueTreeProvider;
  service: LibraryService;
  notes: NoteIndex;
  scopes: NoteScopes;
  citedIn: CitedInView;
  /** The providers themselves, for latencies as they see them (the benchmark). */
  hover: PaperHoverProvider;
  completion: CitationCompletionProvider;
  /** What start does for `paperDigest.dailyPapers.autoFetch`; true when it fetched. */
  autoFetch: () => Promise<boolean>;
}

let active: LibraryService | undefined;

/** A save the timer had not made yet is made now: the next start is warm. */
export function deactivate(): Promise<void> | undefined {
  const service = active;
  active = undefined;
  return service?.flushPendingSave();
}
