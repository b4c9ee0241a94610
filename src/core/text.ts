/** Small text helpers shared by the parsers, names, keys and the note scanner. */

/** Folds a string to lowercase ASCII letters and digits ("LD-Prüner" → "ldpruner"). */
export function asciiFold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '');
}

/** Lowercase words with punctuation folded away, for comparing titles. */
export function normalizeTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Removes LaTeX markup copied pages keep (`\textit{X}` → `X`). */
export function stripLatex(text: string): string {
  return text.replace(/\\(?:textit|textbf|emph|texttt|textsc|mathrm|text)\{([^{}]*)\}/g, '$1');
}

/** True when the text looks binary: NUL bytes or many control characters. */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 8192);
  if (sample.includes('\u0000')) return true;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 0xfffd) control++;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}

const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/g;

/**
 * URLs in free text, cleaned of trailing punctuation, of closing brackets that
 * the URL did not open, and of the `{https://…}` duplication copied pages have.
 */
export function extractLinks(text: string): string[] {
  const links = new Set<string>();
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0];
    const brace = url.indexOf('{');
    if (brace > 0) url = url.slice(0, brace);
    // Markdown pasted after a URL ("…/)[b](command:…") is not part of it.
    url = url.split(/\)\[|\]\(|\)\]/)[0]!;
    url = trimUrlEnd(url);
    if (/^https?:\/\/[^/]+\.[^/]+/.test(url)) links.add(url);
  }
  return [...links];
}

/** Drops trailing punctuation and closing brackets the URL did not open, counting each bracket once (linear, whatever the URL). */
function trimUrlEnd(url: string): string {
  const balance: Record<string, number> = { ')': 0, ']': 0, '}': 0 };
  const closes: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  for (const c of url) {
    if (c in balance) balance[c]!++;
    else if (c in closes) balance[closes[c]!]!--;
  }
  let end = url.length;
  while (end > 0) {
    const last = url[end - 1]!;
    if ('.,;:!?\'"*'.includes(last)) end--;
    else if (last in balance && balance[last]! > 0) {
      balance[last]!--;
      end--;
    } else break;
  }
  return url.slice(0, end);
}

/** Cuts text to at most `max` characters on a word boundary, adding an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** An arXiv id from an arXiv abstract or PDF URL. */
export function arxivFromUrl(url: string): string | null {
  return /arxiv\.org\/(?:abs|pdf)\/(\d{4}\.\d{4,5})/i.exec(url)?.[1] ?? null;
}

/** arXiv's own DOIs: 10.48550/arXiv.2404.11936. */
export function arxivFromDoi(doi: string | null): string | null {
  return doi ? (/^10\.48550\/arxiv\.(\d{4}\.\d{4,5})/i.exec(doi)?.[1] ?? null) : null;
}

/**
 * The encoding of a file's bytes: a byte-order mark says it (UTF-8, UTF-16 LE or BE);
 * without one, text in UTF-16 shows as a zero byte beside every ASCII character.
 */
export function detectEncoding(bytes: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return 'utf-8';
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return 'utf-8';
}

/** A file's bytes as text, in whichever of UTF-8 and UTF-16 they are (without the byte-order mark). */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder(detectEncoding(bytes)).decode(bytes);
}

/**
 * Control characters shown as escapes (`\x1b`, `\u009b`), so that a title from a digest
 * cannot clear a terminal, retitle its window or plant a link in it. Line breaks and
 * tabs stay.
 */
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
