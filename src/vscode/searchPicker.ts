import * as vscode from 'vscode';

import { Paper } from '../core/model';
import { paperMeta } from '../core/paperCard';
import { QUERY_SYNTAX_HINT } from '../core/searchQuery';
import { truncate } from '../core/text';
import { EditorHit, EditorLibrary, LibraryService } from './libraryService';

interface PaperPickItem extends vscode.QuickPickItem {
  paper: Paper;
}

const INSERT_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('quote'), tooltip: 'Insert citation' };
const LINK_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('link-external'), tooltip: 'Open code link' };

export interface PickerOptions {
  title: string;
  many: boolean;
  onInsert?: (paper: Paper) => void;
  onOpenLink?: (paper: Paper) => void;
}

/**
 * A QuickPick whose rows come from the library's search as the user types. Rows are
 * `alwaysShow` because the search, not VS Code's label filter, decides what matches.
 */
export async function pickPapers(service: LibraryService, options: PickerOptions): Promise<Paper[]> {
  const library = await service.current();
  const pick = vscode.window.createQuickPick<PaperPickItem>();
  pick.title = options.title;
  pick.placeholder = `Search: ${QUERY_SYNTAX_HINT}`;
  keepOrder(pick);
  pick.canSelectMany = options.many;
  pick.matchOnDescription = false;
  pick.matchOnDetail = false;
  const chosen = new Map<string, PaperPickItem>();

  let newest: EditorHit[] | undefined;
  let asked = 0;
  const update = async () => {
    // Untrimmed: a space after a word says the word is finished (no longer a prefix).
    const query = pick.value;
    const ask = ++asked;
    pick.busy = true;
    const hits = query.trim() ? await library.search(query, { limit: 50 }) : (newest ??= await newestPapers(library));
    // An answer to an earlier query that came after a later one's is not shown.
    if (ask !== asked) return;
    pick.busy = false;
    const items = hits.map((hit) => chosen.get(hit.paper.key) ?? toItem(library, hit, options));
    // Papers already ticked stay in the list, so several searches can build one citation.
    for (const item of chosen.values()) if (!items.includes(item)) items.push(item);
    pick.items = items;
    if (options.many) pick.selectedItems = items.filter((i) => chosen.has(i.paper.key));
  };

  return new Promise<Paper[]>((resolve) => {
    let done = false;
    const finish = (papers: Paper[]) => {
      if (done) return;
      done = true;
      resolve(papers);
      pick.dispose();
    };
    pick.onDidChangeValue(() => void update());
    pick.onDidChangeSelection((items) => {
      if (!options.many) return;
      const shown = new Set(pick.items.map((i) => i.paper.key));
      for (const key of [...chosen.keys()]) if (shown.has(key) && !items.some((i) => i.paper.key === key)) chosen.delete(key);
      for (const item of items) chosen.set(item.paper.key, item);
    });
    pick.onDidTriggerItemButton(({ item, button }) => {
      if (button === INSERT_BUTTON) options.onInsert?.(item.paper);
      else if (button === LINK_BUTTON) options.onOpenLink?.(item.paper);
    });
    pick.onDidAccept(() => {
      if (options.many) {
        const selected = [...chosen.values()].map((i) => i.paper);
        // Enter with nothing ticked takes the highlighted row, else the top one, as in a single pick.
        const fallback = pick.activeItems.length ? pick.activeItems : pick.items.slice(0, 1);
        finish(selected.length ? selected : fallback.map((i) => i.paper));
      } else finish(pick.activeItems.slice(0, 1).map((i) => i.paper));
    });
    pick.onDidHide(() => finish([]));
    void update();
    pick.show();
  });
}

/** The newest 50 papers, what the picker shows before anything is typed: the engine's completions for nothing typed. */
async function newestPapers(library: EditorLibrary): Promise<EditorHit[]> {
  return (await library.completions('', 50)).map((paper) => ({ paper, score: 0, matchedTerms: [], snippet: truncate(paper.abstract, 220) }));
}

/**
 * The list shows our ranking as it is. VS Code re-sorts a QuickPick's rows by how their
 * labels match the typed text unless `sortByLabel` is false. The property is not in the
 * published typings (vscode#73904), but the extension host passes it on; the UI test
 * "keeps the search's own order" fails without it.
 */
function keepOrder(pick: vscode.QuickPick<PaperPickItem>): void {
  (pick as vscode.QuickPick<PaperPickItem> & { sortByLabel: boolean }).sortByLabel = false;
}

function toItem(library: EditorLibrary, hit: EditorHit, options: PickerOptions): PaperPickItem {
  const { paper } = hit;
  const techniques = paper.techniques.map((id) => library.taxonomy.technique(id)?.label ?? id).join(', ');
  const buttons: vscode.QuickInputButton[] = [];
  if (options.onInsert) buttons.push(INSERT_BUTTON);
  if (options.onOpenLink && paper.links.length) buttons.push(LINK_BUTTON);
  return {
    paper,
    label: truncate(paper.title, 200),
    description: [paperMeta(paper), techniques].filter(Boolean).join(' · '),
    detail: hit.snippet,
    alwaysShow: true,
    buttons,
  };
}
