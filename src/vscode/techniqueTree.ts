import * as vscode from 'vscode';
import { CategoryGroup, Library, TechniqueGroup } from '../core/library';
import { Paper } from '../core/model';
import { paperCard } from './cards';
import { LibraryService } from './libraryService';

export type PaperSort = 'date' | 'upvotes' | 'title';

export type TreeNode =
  | { kind: 'category'; category: CategoryGroup }
  | { kind: 'technique'; technique: TechniqueGroup; category: CategoryGroup }
  | { kind: 'paper'; paper: Paper; technique: TechniqueGroup; category: CategoryGroup };

const SORTERS: Record<PaperSort, (a: Paper, b: Paper) => number> = {
  date: (a, b) => (b.date ?? '').localeCompare(a.date ?? '') || a.title.localeCompare(b.title),
  upvotes: (a, b) => (b.upvotes ?? -1) - (a.upvotes ?? -1) || a.title.localeCompare(b.title),
  title: (a, b) => (a.shortName ?? a.title).localeCompare(b.shortName ?? b.title),
};

/** The "Techniques" view: category → technique (with its paper count) → papers. */
export class TechniqueTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private tree: CategoryGroup[] = [];
  private sort: PaperSort = 'date';
  private readonly subscription: vscode.Disposable;

  constructor(private readonly service: LibraryService) {
    this.subscription = service.onDidChange((library) => this.rebuild(library));
    this.rebuild(service.snapshot);
  }

  get sortOrder(): PaperSort {
    return this.sort;
  }

  setSort(sort: PaperSort): void {
    this.sort = sort;
    this.rebuild(this.service.snapshot);
  }

  private rebuild(library: Library): void {
    this.tree = library.techniqueTree().map((c) => ({
      ...c,
      techniques: c.techniques.map((t) => ({ ...t, papers: [...t.papers].sort(SORTERS[this.sort]) })),
    }));
    this.changed.fire(undefined);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.tree.map((category) => ({ kind: 'category', category }));
    if (node.kind === 'category') return node.category.techniques.map((technique) => ({ kind: 'technique', technique, category: node.category }));
    if (node.kind === 'technique') return node.technique.papers.map((paper) => ({ kind: 'paper', paper, technique: node.technique, category: node.category }));
    return [];
  }

  getParent(node: TreeNode): TreeNode | undefined {
    if (node.kind === 'paper') return { kind: 'technique', technique: node.technique, category: node.category };
    if (node.kind === 'technique') return { kind: 'category', category: node.category };
    return undefined;
  }

  /** The first place a paper stands in the tree, for "Show in Tree". */
  findPaper(key: string): TreeNode | undefined {
    for (const category of this.tree) {
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
    const item = new vscode.TreeItem(paper.shortName ?? paper.title, vscode.TreeItemCollapsibleState.None);
    item.id = `paper:${node.technique.id}:${paper.key}`;
    item.description = [paper.date, paper.upvotes !== null ? `▲ ${paper.upvotes}` : null].filter(Boolean).join(' · ');
    item.tooltip = paperCard(paper, this.service.snapshot.taxonomy, false);
    item.iconPath = new vscode.ThemeIcon('book');
    item.contextValue = paper.links.length ? 'paper.withLink' : 'paper';
    item.command = { command: 'paperDigest.openPaper', title: 'Open Paper Card', arguments: [paper.key] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
