/** Small text helpers shared by the parsers, names, keys and the note scanner. */

/** The last part of a path, `/` or `\\` separated ("papers/hf.json" → "hf.json"). */
export function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

const NON_ASCII = /[^\x00-\x7f]/;

/** Folds a string to lowercase ASCII letters and digits ("LD-Prüner" → "ldpruner"). */
export function asciiFold(text: string): string {
  // ASCII text has nothing to decompose or strip: half the time or less (50,000 names at every
  // library load, and every keystroke). The same result: NFKD leaves ASCII as it is.
  if (!NON_ASCII.test(text)) return text.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '');
}

/** Lowercase words with punctuation folded away, for comparing titles. */
export function normalizeTitle(title: string): string {
  // An ASCII title (most) has no accents to take off: NFKD was half of giving 50,000 papers their keys.
  return (NON_ASCII.test(title) ? title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '') : title)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Removes LaTeX markup copied pages keep (`\textit{X}` → `X`). */
export function stripLatex(text: string): string {
  return text.replace(/\\(?:textit|textbf|emph|texttt|textsc|textsf|textrm|mathrm|mathbf|mathit|mathcal|text)\{([^{}]*)\}/g, '$1');
}

/** Math symbols as a reader writes them. */
const SYMBOLS: Record<string, string> = {
  times: '×', cdot: '·', pm: '±', mp: '∓', div: '÷', leq: '≤', le: '≤', geq: '≥', ge: '≥', neq: '≠', ne: '≠', approx: '≈',
  sim: '∼', simeq: '≃', equiv: '≡', propto: '∝', infty: '∞', rightarrow: '→', to: '→', leftarrow: '←', Rightarrow: '⇒',
  leftrightarrow: '↔', uparrow: '↑', downarrow: '↓', in: '∈', notin: '∉', subset: '⊂', cup: '∪', cap: '∩', sum: '∑',
  prod: '∏', int: '∫', partial: '∂', nabla: '∇', sqrt: '√', circ: '∘', deg: '°', ell: 'ℓ', dots: '…', ldots: '…', cdots: '⋯',
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ε', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ', iota: 'ι',
  kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ', sigma: 'σ', tau: 'τ', upsilon: 'υ', phi: 'φ',
  varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ', Pi: 'Π',
  Sigma: 'Σ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω', '%': '%', '&': '&', _: '_', '#': '#', $: '$',
};
/** Spacing commands, read only inside math: outside, a backslash before a space is more likely text. */
const MATH_SPACES: Record<string, string> = { ' ': ' ', ',': ' ', ';': ' ', quad: ' ', qquad: ' ' };
const SUPERSCRIPT: Record<string, string> = { 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹', '+': '⁺', '-': '⁻', n: 'ⁿ', i: 'ⁱ' };
const SUBSCRIPT: Record<string, string> = { 0: '₀', 1: '₁', 2: '₂', 3: '₃', 4: '₄', 5: '₅', 6: '₆', 7: '₇', 8: '₈', 9: '₉', '+': '₊', '-': '₋' };
/** Abbreviation macros authors define and Hugging Face shows raw. */
const ABBREVIATIONS: Record<string, string> = { eg: 'e.g.', ie: 'i.e.', etc: 'etc.', etal: 'et al.', vs: 'vs.', wrt: 'w.r.t.' };

/** `^2`, `^{10}`, `_2` as Unicode super- and subscripts where every character has one, else as written without the markup. */
function scripts(text: string): string {
  return text.replace(/([\^_])(?:\{([^{}]{1,12})\}|([0-9a-zA-Z+-]))/g, (_m, mark: string, braced: string | undefined, single: string | undefined) => {
    const body = braced ?? single ?? '';
    const table = mark === '^' ? SUPERSCRIPT : SUBSCRIPT;
    return [...body].every((c) => table[c]) ? [...body].map((c) => table[c]).join('') : body;
  });
}

/**
 * LaTeX in titles and abstracts as a reader would write it: `LLM$\times$MapReduce` →
 * `LLM×MapReduce`, `$O(n^2)$` → `O(n²)`, `$\mu$P` → `μP`, `\textsc{Bert}` → `Bert`,
 * `\eg` → `e.g.`. Text without a backslash or a dollar sign is returned as it is; a
 * macro it does not know stays as written.
 */
export function latexToText(text: string): string {
  if (!/[\\$]/.test(text)) return text;
  const commands = (part: string, math = false) =>
    stripLatex(part)
      .replace(/\{\\(?:it|em|bf|sc|tt|rm)\s+([^{}]*)\}/g, '$1')
      .replace(/\\([A-Za-z]+|[%&_#$ ,;])(?:\{\})?/g, (whole, name: string) => SYMBOLS[name] ?? ABBREVIATIONS[name] ?? (math ? MATH_SPACES[name] : undefined) ?? whole);
  // Math between single dollars (short, on one line of thought): symbols, scripts, no braces.
  // Math between dollars: it has TeX in it, or is a short formula (`$n$`, `$O(n)$`), never "$5 and $10".
  const isMath = (math: string) => /[\\^_{}]/.test(math) || /^[A-Za-z][A-Za-z0-9()+\-=.,\s]{0,11}$/.test(math.trim());
  return commands(
    text.replace(/\$([^$]{1,200})\$/g, (whole, math: string) => (isMath(math) ? scripts(commands(math, true)).replace(/[{}]/g, '').replace(/\s+/g, ' ').trim() : whole)),
  );
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
/**
 * In a list sorted by `textAt` (code-unit order), the first place whose text is not before
 * `wanted`: where the texts starting with `wanted`, if any, begin.
 */
export function firstNotBefore(count: number, textAt: (i: number) => string, wanted: string): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (textAt(mid) < wanted) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

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

/** SHA-256 of text (as UTF-8) or bytes, in hex, with the platform's Web Crypto (Node, workers and browsers alike). */
export async function sha256(data: string | Uint8Array): Promise<string> {
  const bytes = (typeof data === 'string' ? new TextEncoder().encode(data) : data) as Uint8Array<ArrayBuffer>;
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
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

/** At most this many keywords are kept for a paper, each at most KEYWORD_LENGTH characters: they are evidence, not text. */
const MAX_KEYWORDS = 40;
const KEYWORD_LENGTH = 100;

/**
 * A paper's keywords from whatever a digest gives: a list of strings (Hugging Face
 * `ai_keywords`) or one string separated by commas or semicolons (BibTeX `keywords`,
 * CSL `keyword`). One line each, LaTeX rendered, duplicates (in any case) dropped.
 */
export function keywordList(value: unknown): string[] {
  const raw = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? value.split(/[;,]/) : [];
  const seen = new Set<string>();
  const keywords: string[] = [];
  for (const item of raw) {
    const keyword = latexToText(item.replace(/\s+/g, ' ').trim()).replace(/[{}]/g, '');
    if (!keyword || keyword.length > KEYWORD_LENGTH || seen.has(keyword.toLowerCase())) continue;
    seen.add(keyword.toLowerCase());
    keywords.push(keyword);
    if (keywords.length >= MAX_KEYWORDS) break;
  }
  return keywords;
}

/** A file's text: whole, or in blocks of whole lines (see decodeInBlocks) that, joined, are the text. */
export type FileText = string | readonly string[];

/** The text whole (blocks joined: one string as long as the file). */
export function wholeText(text: FileText): string {
  return typeof text === 'string' ? text : text.join('');
}

/** How many characters the text has. */
export function textLength(text: FileText): number {
  return typeof text === 'string' ? text.length : text.reduce((sum, block) => sum + block.length, 0);
}

/**
 * `decodeText`, in blocks of whole lines: the lines with a character beyond Latin-1 in
 * blocks of their own. V8 keeps a string one byte a character only when every character
 * of it fits in one byte, and what is cut from a string keeps its width: one "•" (every
 * paper of a copied Daily Papers page has one) or one curly quote made a whole digest two
 * bytes a character, and every title and abstract cut from it. At 50,000 papers that was
 * 100 MB more of the engine's heap and a slower build (regular expressions and hashing
 * run on each byte). Decoded a block at a time, only the lines that need two bytes a
 * character take them; the decoder reads each byte once either way.
 */
export function decodeInBlocks(bytes: Uint8Array): FileText {
  if (detectEncoding(bytes) !== 'utf-8') return decodeText(bytes);
  // The byte-order mark goes, as decodeText drops it; one inside the text stays (ignoreBOM keeps it).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const blocks: string[] = [];
  let blockStart = bom;
  const firstWideByte = wideByteFinder(bytes);
  for (let wide = firstWideByte(bom); wide >= 0; ) {
    // The wide lines from the one this byte is in, to the last of those that follow one another.
    const lineStart = Math.max(blockStart, bytes.lastIndexOf(0x0a, wide) + 1);
    let lineEnd = lineAfter(bytes, wide);
    for (let next = firstWideByte(lineEnd); ; next = firstWideByte(lineEnd)) {
      if (next < 0 || bytes.lastIndexOf(0x0a, next) + 1 !== lineEnd) {
        wide = next;
        break;
      }
      lineEnd = lineAfter(bytes, next);
    }
    if (lineStart > blockStart) blocks.push(decoder.decode(bytes.subarray(blockStart, lineStart)));
    blocks.push(decoder.decode(bytes.subarray(lineStart, lineEnd)));
    blockStart = lineEnd;
  }
  if (blockStart < bytes.length || !blocks.length) blocks.push(decoder.decode(bytes.subarray(blockStart)));
  return blocks.length === 1 ? blocks[0]! : blocks;
}

/** Where the line with this byte ends, after its line break (or the end of the bytes). */
function lineAfter(bytes: Uint8Array, at: number): number {
  const end = bytes.indexOf(0x0a, at);
  return end < 0 ? bytes.length : end + 1;
}

/**
 * A search for the first byte from a place on that begins a character beyond U+00FF (or
 * that no UTF-8 has, which decodes as U+FFFD); -1 when there is none. ASCII, most of a
 * digest, is passed over four bytes at a time.
 */
function wideByteFinder(bytes: Uint8Array): (from: number) => number {
  const head = (4 - (bytes.byteOffset & 3)) & 3; // bytes before the first whole word
  const count = bytes.length > head ? (bytes.length - head) >>> 2 : 0;
  const words = count ? new Uint32Array(bytes.buffer, bytes.byteOffset + head, count) : new Uint32Array(0);
  const wordsEnd = head + count * 4;
  return (from) => {
    let i = from;
    for (; i < bytes.length && (i < head || (i - head) & 3); i++) if (bytes[i]! >= 0xc4) return i;
    for (let w = (i - head) >>> 2; w < words.length; w++) {
      if ((words[w]! & 0x80808080) === 0) continue;
      for (let j = head + w * 4; j < head + w * 4 + 4; j++) if (bytes[j]! >= 0xc4) return j;
    }
    for (i = Math.max(i, wordsEnd); i < bytes.length; i++) if (bytes[i]! >= 0xc4) return i;
    return -1;
  };
}
