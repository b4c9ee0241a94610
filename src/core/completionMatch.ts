import { Paper } from './model';
import { paperMeta } from './paperCard';
import { asciiFold, truncate } from './text';

/**
 * What a completion item shows of a paper. The engine sends these rather than keys, so
 * that the editor lists a hundred papers without decoding their summaries; the card is
 * made from the paper itself, for the one item shown (resolve).
 */
export interface CompletionEntry {
  key: string;
  shortName: string | null;
  /** The title, cut to what the list shows and filters on. */
  title: string;
  /** Name, date, authors, venue, upvotes (paperMeta). */
  meta: string;
}

/** Titles longer than this are cut: the list filters on the title's words and shows its start. */
const COMPLETION_TITLE_CHARS = 300;

export function completionEntry(paper: Paper): CompletionEntry {
  return { key: paper.key, shortName: paper.shortName, title: truncate(paper.title, COMPLETION_TITLE_CHARS), meta: paperMeta(paper) };
}

/**
 * How well a paper's key or name matches what was typed after `@`: the order of
 * completion, for the digests (Library.completions) and a note's own bibliography
 * (CitationScope.completions) alike.
 */

export interface CompletionNames {
  paper: Paper;
  /** The key, lowercase. */
  key: string;
  /** Each name as written, lowercase and folded ("LD-Pruner", "ld-pruner", "ldpruner"). */
  names: Array<{ name: string; lower: string; folded: string }>;
}

export const COMPLETION_EXACT = 0;
export const COMPLETION_START = 1;
export const COMPLETION_INSIDE = 2;
export const COMPLETION_TITLE_WORD = 3;
export const COMPLETION_ANYWHERE = 4;

/** How well a key or name matches what was typed (see `Library.completions`); COMPLETION_TITLE_WORD when neither does so well. */
export function matchQuality(entry: CompletionNames, typed: string, folded: string): number {
  let best = COMPLETION_TITLE_WORD;
  if (entry.key === typed) return COMPLETION_EXACT;
  if (entry.key.startsWith(typed)) best = COMPLETION_START;
  else if (insideAtBoundary(entry.paper.key, entry.key, typed)) best = COMPLETION_INSIDE;
  if (!folded) return best;
  for (const { name, lower, folded: n } of entry.names) {
    if (n === folded) return COMPLETION_EXACT;
    if (n.startsWith(folded)) best = Math.min(best, COMPLETION_START);
    else if (best > COMPLETION_INSIDE && insideAtBoundary(name, lower, folded)) best = COMPLETION_INSIDE;
  }
  return best;
}

/** Whether `text` (`lower` in lowercase) has `wanted` starting at a capital after a small letter, or after a non-letter: "IncreLoRA" has "lora". */
function insideAtBoundary(text: string, lower: string, wanted: string): boolean {
  for (let at = lower.indexOf(wanted, 1); at > 0; at = lower.indexOf(wanted, at + 1)) {
    const before = text[at - 1]!;
    const here = text[at]!;
    if (!/[\p{L}]/u.test(before) || (/\p{Lu}/u.test(here) && /\p{Ll}/u.test(before))) return true;
  }
  return false;
}

/** A paper's key and names, lowercased and folded, to match against on every keystroke. */
export function completionNames(paper: Paper): CompletionNames {
  return {
    paper,
    key: paper.key.toLowerCase(),
    names: [paper.shortName, ...paper.aliases].filter((n): n is string => !!n).map((name) => ({ name, lower: name.toLowerCase(), folded: asciiFold(name) })),
  };
}
