import * as vscode from 'vscode';
import { CategoryGroup, PaperGrouping, TechniqueGroup } from '../core/paperCatalog';
import { Paper, newestFirst, sameValue } from '../core/model';
import { truncate } from '../core/text';
import { paperCard } from './cards';
import { EditorLibrary, LibraryService } from './libraryService';

export type PaperSort = 'date' | 'upvotes' | 'title';

/** What places a paper in the tree: its groups (techniques, year, digest files) and its sorted place. */
const TREE_FIELDS = ['key', 'date', 'upvotes', 'title', 'shortName', 'techniques'] as const;

/** Whether a paper edited into another stands in the same groups and the same sorted place. */
function sameTreePlace(before: Paper, after: Paper): boolean {
  const digests = (paper: Paper) => paper.sources.map((source) => source.path);
  return TREE_FIELDS.every((field) => sameValue(before[field], after[field])) && sameValue(digests(before), digests(after));
}

export type TreeNode =
  | { kind: 'category'; category: CategoryGroup }
  | { kind: 'technique'; technique: TechniqueGroup; category: CategoryGroup }
  | { kind: 'paper'; paper: Paper; technique: TechniqueGroup; category: CategoryGroup };

const byTitle = (a: Paper, b: Paper) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0);
const SORTERS: Record<PaperSort, (a: Paper, b: Paper) => number> = {
  date: newestFirst,
  upvotes: (a, b) => (b.upvotes ?? -1) - (a.upvotes ?? -1) || byTitle(a, b),
  title: (a, b) => (a.shortName ?? a.title).localeCompare(b.shortName ?? b.title, undefined, { sensitivity: 'base' }),
};

/**
 * The "Techniques" view: category → technique (with its paper count) → papers, every
 * paper somewhere (those with no technique under "Other", by year); or by digest file,
 * or by year.
 * Nothing is computed until the view asks, and a technique's papers are sorted only
 * when it is expanded: at 50,000 papers, sorting them all on every change held the
 * extension host for hundreds of milliseconds.
 */
export class TechniqueTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private library: EditorLibrary;
  private tree: CategoryGroup[] | undefined;
  private readonly sorted = new Map<string, Paper[]>();
  private sort: PaperSort = 'date';
  private grouping: PaperGrouping = 'technique';
  private readonly subscription: vscode.Disposable;

  constructor(private readonly service: LibraryService) {
    this.library = service.snapshot;
    this.subscription = service.onDidChange((library) => this.rebuild(library));
  }

  get sortOrder(): PaperSort {
    return this.sort;
  }

  get groupingOrder(): PaperGrouping {
    return this.grouping;
  }

  setGrouping(grouping: PaperGrouping): void {
    this.grouping = grouping;
    this.tree = undefined;
    this.sorted.clear();
    this.changed.fire(undefined);
  }

  setSort(sort: PaperSort): void {
    this.sort = sort;
    this.sorted.clear();
    this.changed.fire(undefined);
  }

  private rebuild(library: EditorLibrary): void {
    // An edit that leaves every paper where it was in the tree (an abstract, say) swaps the
    // edited papers in: grouping 50,000 papers again held the editor's thread 35-60 ms.
    const replaced = this.tree && library.replacedSince(this.library);
    this.library = library;
    if (replaced?.every(([before, after]) => sameTreePlace(before, after))) {
      for (const [before, after] of replaced) this.swap(before, after);
    } else {
      this.tree = undefined;
      this.sorted.clear();
    }
    this.changed.fire(undefined);
  }

  /** A paper in place of another in every group and sorted list that has it. */
  private swap(before: Paper, after: Paper): void {
    for (const category of this.tree ?? []) {
      for (const technique of category.techniques) {
        // The group's list may be the last library's own (its papers by technique): replaced, not changed.
        if (technique.papers.includes(before)) technique.papers = technique.papers.map((paper) => (paper === before ? after : paper));
      }
    }
    for (const papers of this.sorted.values()) {
      const at = papers.indexOf(before);
      if (at >= 0) papers[at] = after;
    }
  }

  /** Categories and techniques with their papers unsorted; built on the first look. */
  private groups(): CategoryGroup[] {
    this.tree ??= this.library.paperTree(this.grouping, { sorted: false });
    return this.tree;
  }

  /** A technique's papers in the chosen order, sorted once per library and order. */
  private papersOf(technique: TechniqueGroup): Paper[] {
    let papers = this.sorted.get(technique.id);
    if (!papers) {
      papers = [...technique.papers].sort(SORTERS[this.sort]);
      this.sorted.set(technique.id, papers);
    }
    return papers;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      // The view is shown: a library not all decoded yet (at scale, the editor decodes a
      // warm start's summaries only when something needs them all) is decoded a few
      // milliseconds per turn while the view shows its progress, not all at once here.
      if (!(await this.decoded().then(() => true, () => false))) return [];
      return this.groups().map((category) => ({ kind: 'category', category }));
    }
    if (node.kind === 'category') return node.category.techniques.map((technique) => ({ kind: 'technique', technique, category: node.category }));
    if (node.kind === 'technique') return this.papersOf(node.technique).map((paper) => ({ kind: 'paper', paper, technique: node.technique, category: node.category }));
    return [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    if (node.kind === 'paper') return { kind: 'technique', technique: node.technique, category: node.category };
    if (node.kind === 'technique') return { kind: 'category', category: node.category };
    return undefined;
  }

  /** Every paper of the library shown decoded (see getChildren). */
  private async decoded(): Promise<void> {
    while (!this.library.decodedAll) await this.library.whenDecoded();
  }

  /** The first place a paper stands in the tree, for "Show in Tree". */
  async findPaper(key: string): Promise<TreeNode | undefined> {
    await this.decoded();
    for (const category of this.groups()) {
      for (const technique of category.techniques) {
        const paper = technique.papers.find((p) => p.key === key);
        if (paper) return { kind: 'paper', paper, technique, category };
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
      const count = node.technique.papers.length;
      item.description = String(count);
      item.tooltip = `${node.technique.label}: ${count} paper${count === 1 ? '' : 's'}`;
      item.contextValue = 'technique';
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
