import * as vscode from 'vscode';
import { PaperGrouping, PaperSort, PlacedCategoryGroup, PlacedTechniqueGroup } from '../core/paperCatalog';
import { Paper } from '../core/model';
import { truncate } from '../core/text';
import { paperCard } from './cards';
import { EditorLibrary, LibraryService } from './libraryService';

export type TreeNode =
  | { kind: 'category'; category: PlacedCategoryGroup; library: EditorLibrary }
  | { kind: 'technique'; technique: PlacedTechniqueGroup; category: PlacedCategoryGroup; library: EditorLibrary }
  | { kind: 'paper'; paper: Paper; technique: PlacedTechniqueGroup; category: PlacedCategoryGroup; library: EditorLibrary }
  /** The papers of a technique not shown yet (see PAPERS_PER_PAGE). */
  | { kind: 'more'; left: number; technique: PlacedTechniqueGroup; category: PlacedCategoryGroup; library: EditorLibrary };

/**
 * How many of a technique's papers are shown at first, and how many more each "more" shows.
 * A technique of 15,000 papers (at 50,000) shown whole was 15,000 items made and sent to
 * the window, and most of the library decoded for them, for a list nobody scrolls through.
 */
const PAPERS_PER_PAGE = 200;

/**
 * The "Techniques" view: category → technique (with its paper count) → papers, every
 * paper somewhere (those with no technique under "Other", by year); or by digest file,
 * or by year. The engine groups and sorts the papers (Library.placedTree) and the
 * view decodes only the papers of a technique that is opened: grouping 50,000 papers here
 * held the editor's thread 35-60 ms, and decoding them all for it 0.3-0.4 s with the
 * garbage collections that come with 60 MB more of heap.
 */
export class TechniqueTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The groups of the library shown, in the grouping and order chosen: asked for on the first look. */
  private tree: Promise<{ library: EditorLibrary; categories: PlacedCategoryGroup[] | undefined }> | undefined;
  private sort: PaperSort = 'date';
  private grouping: PaperGrouping = 'technique';
  /** How many papers each technique (by id) shows, when more than a page: kept across libraries, while the grouping stays. */
  private readonly shown = new Map<string, number>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly service: LibraryService,
    private readonly papersPerPage = PAPERS_PER_PAGE,
  ) {
    this.subscription = service.onDidChange(() => this.refresh());
  }

  get sortOrder(): PaperSort {
    return this.sort;
  }

  get groupingOrder(): PaperGrouping {
    return this.grouping;
  }

  setGrouping(grouping: PaperGrouping): void {
    this.grouping = grouping;
    this.shown.clear();
    this.refresh();
  }

  /** A page more of the technique's papers (the "more" item's command). */
  showMore(node: TreeNode): void {
    if (node.kind !== 'more') return;
    this.shown.set(node.technique.id, this.shownOf(node.technique) + this.papersPerPage);
    this.changed.fire(undefined);
  }

  private shownOf(technique: PlacedTechniqueGroup): number {
    return Math.min(technique.places.length, this.shown.get(technique.id) ?? this.papersPerPage);
  }

  setSort(sort: PaperSort): void {
    this.sort = sort;
    this.refresh();
  }

  private refresh(): void {
    this.tree = undefined;
    this.changed.fire(undefined);
  }

  /** The groups of the current library; none when the engine has a newer one (the view is refreshed when it comes). */
  private groups(): Promise<{ library: EditorLibrary; categories: PlacedCategoryGroup[] | undefined }> {
    if (!this.tree) {
      const library = this.service.snapshot;
      const tree = library.placedTree(this.grouping, this.sort).then((categories) => ({ library, categories }));
      this.tree = tree;
      // Asked again on the next look, not kept: a library the engine no longer had.
      void tree.then(({ categories }) => {
        if (!categories && this.tree === tree) this.tree = undefined;
      });
    }
    return this.tree;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      const { library, categories } = await this.groups();
      return (categories ?? []).map((category) => ({ kind: 'category', category, library }));
    }
    const { library } = node;
    if (node.kind === 'category') return node.category.techniques.map((technique) => ({ kind: 'technique', technique, category: node.category, library }));
    if (node.kind === 'technique') {
      const { technique, category } = node;
      const shown = this.shownOf(technique);
      const papers: TreeNode[] = (await library.papersAt(technique.places.subarray(0, shown))).map((paper) => ({ kind: 'paper', paper, technique, category, library }));
      const left = technique.places.length - shown;
      return left > 0 ? [...papers, { kind: 'more', left, technique, category, library }] : papers;
    }
    return [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    const { library } = node;
    if (node.kind === 'paper' || node.kind === 'more') return { kind: 'technique', technique: node.technique, category: node.category, library };
    if (node.kind === 'technique') return { kind: 'category', category: node.category, library };
    return undefined;
  }

  /** The first place a paper stands in the tree, for "Show in Tree". */
  async findPaper(key: string): Promise<TreeNode | undefined> {
    const { library, categories } = await this.groups();
    const place = library.place(key);
    if (place === undefined) return undefined;
    for (const category of categories ?? []) {
      for (const technique of category.techniques) {
        const at = technique.places.indexOf(place);
        if (at < 0) continue;
        // Beyond the pages shown: as many more as it takes to show it.
        if (at >= this.shownOf(technique)) {
          this.shown.set(technique.id, Math.ceil((at + 1) / this.papersPerPage) * this.papersPerPage);
          this.changed.fire(undefined);
        }
        const [paper] = await library.papersAt([place]);
        return paper && { kind: 'paper', paper, technique, category, library };
      }
    }
    return undefined;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node.kind === 'category') {
      const item = new vscode.TreeItem(node.category.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `category:${node.category.id}`;
      item.contextValue = 'category';
      return item;
    }
    if (node.kind === 'technique') {
      const item = new vscode.TreeItem(node.technique.label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `technique:${node.technique.id}`;
      const count = node.technique.places.length;
      item.description = String(count);
      item.tooltip = `${node.technique.label}: ${count} paper${count === 1 ? '' : 's'}`;
      item.contextValue = 'technique';
      return item;
    }
    if (node.kind === 'more') {
      const item = new vscode.TreeItem(`${Math.min(node.left, this.papersPerPage)} more papers…`, vscode.TreeItemCollapsibleState.None);
      item.id = `more:${node.technique.id}`;
      item.description = `${node.left} not shown`;
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.contextValue = 'more';
      item.command = { command: 'paperDigest.showMorePapers', title: 'Show More Papers', arguments: [node] };
      return item;
    }
    const { paper } = node;
    const item = new vscode.TreeItem(truncate(paper.shortName ?? paper.title, 120), vscode.TreeItemCollapsibleState.None);
    item.id = `paper:${node.technique.id}:${paper.key}`;
    item.description = [paper.date, paper.upvotes !== null ? `▲ ${paper.upvotes}` : null].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon('book');
    item.contextValue = paper.links.length ? 'paper.withLink' : 'paper';
    item.command = { command: 'paperDigest.openPaper', title: 'Open Paper Card', arguments: [paper.key] };
    return item;
  }

  /**
   * A paper's card, as its tooltip, once the pointer rests on it: VS Code asks for the item of
   * every paper a technique lists as it opens, and a card made and sent for each of thousands
   * held the editor's thread for no one to read them.
   */
  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    if (node.kind === 'paper') item.tooltip = paperCard(node.paper, this.service.snapshot.taxonomy, false);
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
