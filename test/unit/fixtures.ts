import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLED_DIGEST } from '../../src/core/bundled';

/** The repository root (tests run from out/test/unit after bundling). */
export const ROOT = join(__dirname, '..', '..', '..');
export const SEED_PATH = join(ROOT, ...BUNDLED_DIGEST);
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export function readSeed(): string {
  return readFileSync(SEED_PATH, 'utf8');
}

export function readFixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export interface HfPaperObject {
  paper: { id: string; title: string; summary: string; publishedAt: string; upvotes: number; authors: Array<{ name: string }> };
}

export function hfSample(): HfPaperObject[] {
  return JSON.parse(readFixture('hf-daily-papers-sample.json')) as HfPaperObject[];
}

/** A JSON digest of `n` real Hugging Face papers (the sample, repeated under other ids). */
export function hfDigest(n: number): string {
  const sample = hfSample();
  return JSON.stringify(Array.from({ length: n }, (_, i) => {
    const o = sample[i % sample.length]!;
    return { paper: { ...o.paper, id: `2401.${String(10000 + i)}`, title: i < sample.length ? o.paper.title : `${o.paper.title} (part ${i})` } };
  }));
}

/** Real material written by others (../shared/corpus), read in place; tests that need it skip where it is absent. */
export const CORPUS = join(ROOT, '..', 'shared', 'corpus');

export function corpusPath(name: string): string {
  return join(CORPUS, name);
}

export function hasCorpus(name: string): boolean {
  return existsSync(corpusPath(name));
}
