import { Paper } from '../src/core/model';

/**
 * Realistic synthetic papers for the benchmark: abstracts of about 200 words made
 * by a word-level Markov chain over real abstracts (the bundled page and the
 * Hugging Face sample), titles in the "Name: what it does" shape, coined names,
 * dates, upvotes and author counts. Deterministic for a given seed.
 */
export interface GeneratedPaper {
  title: string;
  abstract: string;
  date: string;
  upvotes: number;
  authorCount: number;
  arxivId: string;
}

export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class TextModel {
  private readonly next = new Map<string, string[]>();
  private readonly starts: string[] = [];
  private readonly titleWords: string[] = [];

  constructor(abstracts: string[], titles: string[]) {
    for (const abstract of abstracts) {
      const words = abstract.split(/\s+/).filter(Boolean);
      words.forEach((w, i) => {
        if (i === 0 || /[.!?]$/.test(words[i - 1]!)) this.starts.push(w);
        const following = words[i + 1];
        if (!following) return;
        const list = this.next.get(w) ?? [];
        list.push(following);
        this.next.set(w, list);
      });
    }
    for (const t of titles) for (const w of t.replace(/^[^:]*:\s*/, '').split(/\s+/)) if (w.length > 2) this.titleWords.push(w);
  }

  abstract(rnd: () => number, words = 200): string {
    const out: string[] = [];
    let word = this.pick(this.starts, rnd);
    while (out.length < words || !/[.!?]$/.test(out[out.length - 1]!)) {
      out.push(word);
      const options = this.next.get(word);
      word = options && !/[.!?]$/.test(word) ? this.pick(options, rnd) : this.pick(this.starts, rnd);
      if (out.length > words + 60) break;
    }
    return out.join(' ');
  }

  title(rnd: () => number, name: string): string {
    const n = 5 + Math.floor(rnd() * 7);
    const words = Array.from({ length: n }, () => this.pick(this.titleWords, rnd));
    return `${name}: ${words.join(' ')}`;
  }

  private pick<T>(list: T[], rnd: () => number): T {
    return list[Math.floor(rnd() * list.length)]!;
  }
}

const SYLLABLES = ['Lo', 'Ra', 'Quant', 'Prune', 'Mix', 'Sparse', 'Dist', 'Flash', 'Kron', 'Tiny', 'Mo', 'E', 'Nano', 'Hyper', 'Slim', 'Fast', 'Deep', 'Lite', 'Vi', 'T', 'Gen', 'Re', 'Net', 'Former', 'Diff', 'Cache', 'KV', 'Spec', 'Merge', 'Edit'];

export function coinedName(rnd: () => number, i: number): string {
  const parts = 2 + Math.floor(rnd() * 2);
  let name = '';
  for (let p = 0; p < parts; p++) name += SYLLABLES[Math.floor(rnd() * SYLLABLES.length)];
  // Unique per paper, the way real coined names mostly are.
  return `${name}${i.toString(36).toUpperCase()}`;
}

export function generatePapers(model: TextModel, count: number, seed = 1): GeneratedPaper[] {
  const rnd = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const year = 2019 + Math.floor(rnd() * 7);
    const month = 1 + Math.floor(rnd() * 12);
    const day = 1 + Math.floor(rnd() * 28);
    return {
      title: model.title(rnd, coinedName(rnd, i)),
      abstract: model.abstract(rnd, 170 + Math.floor(rnd() * 60)),
      date: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      upvotes: rnd() < 0.5 ? 0 : Math.floor(rnd() * 80),
      authorCount: 1 + Math.floor(rnd() * 12),
      arxivId: `${String(year).slice(2)}${String(month).padStart(2, '0')}.${String(10000 + i).padStart(5, '0')}`,
    };
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The papers as a copied Daily Papers page. */
export function toDailyPapersPage(papers: GeneratedPaper[]): string {
  const lines = ['Daily Papers', '', 'byAK and the research community', ''];
  for (const p of papers) {
    const [y, m, d] = p.date.split('-').map(Number);
    lines.push(p.title, '', p.abstract, '', `  • ${p.authorCount} authors`, '·', `${MONTHS[m! - 1]} ${d}, ${y}${p.upvotes ? ` ${p.upvotes}` : ''}`, '');
  }
  return lines.join('\n');
}

/** The papers as Hugging Face daily_papers JSON (hard line breaks in titles and summaries, as the API has them). */
export function toHfJson(papers: GeneratedPaper[]): string {
  const wrap = (text: string) => text.replace(/(.{1,78})(\s|$)/g, '$1\n').trim();
  return JSON.stringify(
    papers.map((p) => ({
      paper: { id: p.arxivId, title: wrap(p.title), summary: wrap(p.abstract), publishedAt: `${p.date}T00:00:00.000Z`, upvotes: p.upvotes, authors: Array.from({ length: p.authorCount }, (_, i) => ({ name: `Author ${i}` })) },
      publishedAt: `${p.date}T00:00:00.000Z`,
      title: p.title,
      numComments: 0,
    })),
  );
}

export type { Paper };
