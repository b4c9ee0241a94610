/**
 * The literal strings a regular expression cannot match without, found from its source (the
 * "prefilter" idea of code search engines: a regex over a text is far slower than looking
 * for a few strings in it). `\bparameter[- ]efficient (?:fine-?tuning|tuning)\b` needs
 * "parameter-efficient " or "parameter efficient ", then one of "fine-tuning", "finetuning",
 * "tuning"; `\b[1-8]-bits?\b` needs one of "1-bit" … "8-bit". A text that lacks every string
 * of any group cannot match. Strings are in small letters, for patterns matched ignoring
 * case, to be looked for in a text in small letters.
 */

/** Strings one group needs one of: shorter ones say too little about a text to be worth looking for. */
const MIN_LITERAL = 3;
/** Most strings an alternation or a run of literals is spelled out as before it is cut. */
const MAX_STRINGS = 32;

/** What a piece of a pattern tells: the strings it matches exactly (if few and known), and groups a match needs one string of each. */
interface Info {
  exact: string[] | null;
  groups: string[][];
}

const ANY: Info = { exact: null, groups: [] };
const EMPTY: Info = { exact: [''], groups: [] };

class Unsupported extends Error {}

/**
 * Groups of strings, each of which a match of `source` (flags `i`, no `u`) needs one of, in
 * small letters; null when nothing useful is known (the pattern must always be tried).
 */
export function requiredLiterals(source: string): string[][] | null {
  let info: Info;
  try {
    const parser = new Parser(source);
    info = parser.alternation();
    if (parser.at < source.length) return null;
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  // A string that holds another of its group says nothing more: "models" is there only if "model" is.
  const groups = withExact(info)
    .filter(useful)
    .map((group) => group.filter((s) => !group.some((t) => t !== s && s.includes(t))));
  const unique: string[][] = [];
  for (const group of groups) if (!unique.some((g) => g.length === group.length && g.every((s) => group.includes(s)))) unique.push(group);
  return unique.length ? unique : null;
}

function useful(group: readonly string[]): boolean {
  return group.length > 0 && group.every((s) => s.length >= MIN_LITERAL);
}

/** The groups of `info`, its exact strings as one more. */
function withExact(info: Info): string[][] {
  return info.exact ? [...info.groups, info.exact] : info.groups;
}

function product(left: readonly string[], right: readonly string[]): string[] | null {
  if (left.length * right.length > MAX_STRINGS) return null;
  const out = new Set<string>();
  for (const a of left) for (const b of right) out.add(a + b);
  return [...out];
}

function sequence(items: readonly Info[]): Info {
  let current: string[] | null = [''];
  let broken = false;
  const groups: string[][] = [];
  const flush = () => {
    if (current && useful(current)) groups.push(current);
    broken = true;
  };
  for (const item of items) {
    groups.push(...item.groups);
    if (item.exact && current) {
      const joined = product(current, item.exact);
      if (joined) {
        current = joined;
        continue;
      }
    }
    flush();
    current = item.exact;
  }
  if (!broken) return { exact: current, groups };
  flush();
  return { exact: null, groups };
}

/** One group a piece needs: its exact strings, or the group of its own whose shortest string is longest. */
function representative(info: Info): string[] | null {
  const candidates = withExact(info).filter(useful);
  if (!candidates.length) return null;
  const shortest = (g: string[]) => Math.min(...g.map((s) => s.length));
  return candidates.reduce((best, g) => (shortest(g) > shortest(best) ? g : best));
}

function alternatives(branches: readonly Info[]): Info {
  if (branches.length === 1) return branches[0]!;
  if (branches.every((b) => b.exact)) {
    const union = [...new Set(branches.flatMap((b) => b.exact!))];
    if (union.length <= MAX_STRINGS) return { exact: union, groups: [] };
  }
  // Each alternative needs one of its own group: the text needs one string of them all (a longer list is not worth looking through).
  const picked = branches.map(representative);
  if (picked.some((g) => !g)) return ANY;
  const union = [...new Set(picked.flatMap((g) => g!))];
  return { exact: null, groups: union.length <= MAX_STRINGS * 2 ? [union] : [] };
}

function repeated(info: Info, min: number, max: number): Info {
  if (min === 1 && max === 1) return info;
  if (min === 0) return max === 1 && info.exact ? { exact: [...new Set([...info.exact, ''])], groups: [] } : ANY;
  return { exact: null, groups: withExact(info) };
}

const DIGITS = '0123456789'.split('');

class Parser {
  at = 0;
  constructor(private readonly source: string) {}

  alternation(): Info {
    const branches = [this.sequence()];
    while (this.source[this.at] === '|') {
      this.at++;
      branches.push(this.sequence());
    }
    return alternatives(branches);
  }

  private sequence(): Info {
    const items: Info[] = [];
    while (this.at < this.source.length && this.source[this.at] !== '|' && this.source[this.at] !== ')') {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return sequence(items);
  }

  private quantified(atom: Info): Info {
    const c = this.source[this.at];
    let min = 1;
    let max = 1;
    if (c === '?') [min, max] = [0, 1];
    else if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.at));
      if (!m) return atom; // A lone "{" is a literal, taken by atom() next.
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
      this.at += m[0].length - 1;
    } else return atom;
    this.at++;
    if (this.source[this.at] === '?') this.at++; // lazy: matches the same strings
    return repeated(atom, min, max);
  }

  private atom(): Info {
    const c = this.source[this.at++]!;
    switch (c) {
      case '^':
      case '$':
        return EMPTY;
      case '.':
        return ANY;
      case '[':
        return this.characterClass();
      case '(':
        return this.group();
      case '\\':
        return this.escape();
      default:
        return literal(c);
    }
  }

  private group(): Info {
    let lookaround = false;
    if (this.source[this.at] === '?') {
      const rest = this.source.slice(this.at);
      const kind = /^\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(rest);
      if (!kind) throw new Unsupported();
      lookaround = ['?=', '?!', '?<=', '?<!'].includes(kind[0]);
      this.at += kind[0].length;
    }
    const inner = this.alternation();
    if (this.source[this.at] !== ')') throw new Unsupported();
    this.at++;
    // A lookaround matches no characters: what it needs is next to the match, not in it.
    return lookaround ? EMPTY : inner;
  }

  private escape(): Info {
    const c = this.source[this.at++];
    if (c === undefined) throw new Unsupported();
    if (c === 'b' || c === 'B') return EMPTY;
    if ('dDwWsS'.includes(c)) return ANY;
    if (/[1-9]/.test(c)) return ANY; // a back reference
    if (/[a-zA-Z0-9]/.test(c)) throw new Unsupported(); // \u, \x, \c, \k, \p, \t …: not spelled out here
    return literal(c);
  }

  private characterClass(): Info {
    const members = new Set<string>();
    let negated = false;
    if (this.source[this.at] === '^') {
      negated = true;
      this.at++;
    }
    let unknown = false;
    while (this.at < this.source.length && this.source[this.at] !== ']') {
      let c = this.source[this.at++]!;
      if (c === '\\') {
        const e = this.source[this.at++];
        if (e === undefined) throw new Unsupported();
        if (e === 'd') {
          for (const d of DIGITS) members.add(d);
          continue;
        }
        if (/[a-zA-Z0-9]/.test(e)) {
          unknown = true;
          continue;
        }
        c = e;
      }
      if (this.source[this.at] === '-' && this.source[this.at + 1] !== ']' && this.at + 1 < this.source.length) {
        const end = this.source[this.at + 1]!;
        this.at += 2;
        if (end === '\\') {
          unknown = true;
          this.at++;
          continue;
        }
        const from = c.charCodeAt(0);
        const to = end.charCodeAt(0);
        if (to - from > 10 || to < from) unknown = true;
        else for (let code = from; code <= to; code++) members.add(String.fromCharCode(code));
        continue;
      }
      members.add(c);
    }
    if (this.source[this.at] !== ']') throw new Unsupported();
    this.at++;
    if (negated || unknown) return ANY;
    const lowered = [...new Set([...members].map(lower))];
    if (lowered.some((m) => m === null)) return ANY;
    return { exact: lowered as string[], groups: [] };
  }
}

/** A character of a pattern matched ignoring case, as it is in a text in small letters; null beyond ASCII, where case rules are not this simple. */
function lower(c: string): string | null {
  return c.charCodeAt(0) < 128 ? c.toLowerCase() : null;
}

function literal(c: string): Info {
  const small = lower(c);
  return small === null ? ANY : { exact: [small], groups: [] };
}

/**
 * Finds which of many strings (small ASCII letters and marks) a text holds, in one pass
 * over it, ignoring ASCII case: an Aho–Corasick automaton spelled out as a table, so each
 * character of the text is one lookup whatever the number of strings.
 */
export class LiteralScanner {
  /** Symbol of each character code below 128 (capitals as small letters); 0 for any character no string has. */
  private readonly symbols = new Uint8Array(128);
  private readonly symbolCount: number;
  /**
   * next[state * symbolCount + symbol]: the state after reading the symbol, as its own
   * offset in `next` (state * symbolCount), negated when strings end there.
   */
  private readonly next: Int32Array;
  /** The strings ending at each state (its own and its suffixes'), as a start in `outputs`, or -1. */
  private readonly outputStart: Int32Array;
  private readonly outputs: number[] = [];
  private readonly found: Int32Array;
  /** Per string, the parts of the last scanned text it is in (see scanParts), valid where `found` has the stamp. */
  private readonly partMasks: Int32Array;
  private stamp = 0;

  constructor(readonly literals: readonly string[]) {
    let symbolCount = 1;
    for (const literal of literals) {
      for (let i = 0; i < literal.length; i++) {
        const code = literal.charCodeAt(i);
        if (code >= 128) throw new Error(`LiteralScanner takes ASCII strings, not ${JSON.stringify(literal)}`);
        if (!this.symbols[code]) {
          this.symbols[code] = symbolCount++;
          const upper = literal[i]!.toUpperCase().charCodeAt(0);
          if (upper !== code) this.symbols[upper] = this.symbols[code]!;
        }
      }
    }
    this.symbolCount = symbolCount;
    // The trie of the strings.
    const children: Map<number, number>[] = [new Map()];
    const ends: number[][] = [[]];
    literals.forEach((literal, number) => {
      let state = 0;
      for (let i = 0; i < literal.length; i++) {
        const symbol = this.symbols[literal.charCodeAt(i)]!;
        let child = children[state]!.get(symbol);
        if (child === undefined) {
          child = children.push(new Map()) - 1;
          ends.push([]);
          children[state]!.set(symbol, child);
        }
        state = child;
      }
      ends[state]!.push(number);
    });
    // Breadth first, each state's transitions are its trie children, else its suffix state's.
    const states = children.length;
    this.next = new Int32Array(states * symbolCount);
    const suffix = new Int32Array(states);
    const order: number[] = [0];
    for (let at = 0; at < order.length; at++) {
      const state = order[at]!;
      for (let symbol = 0; symbol < symbolCount; symbol++) {
        const child = children[state]!.get(symbol);
        const fallback = state === 0 ? 0 : this.next[suffix[state]! * symbolCount + symbol]!;
        if (child === undefined) this.next[state * symbolCount + symbol] = fallback;
        else {
          this.next[state * symbolCount + symbol] = child;
          suffix[child] = fallback;
          order.push(child);
        }
      }
    }
    this.outputStart = new Int32Array(states).fill(-1);
    const all: number[][] = new Array(states);
    for (const state of order) {
      all[state] = state === 0 ? ends[0]! : [...ends[state]!, ...all[suffix[state]!]!];
      if (all[state]!.length) {
        this.outputStart[state] = this.outputs.length;
        this.outputs.push(...all[state]!, -1);
      }
    }
    // Offsets instead of state numbers, negated where strings end: one lookup per character.
    for (let i = 0; i < this.next.length; i++) {
      const state = this.next[i]!;
      this.next[i] = this.outputStart[state]! >= 0 ? -state * symbolCount : state * symbolCount;
    }
    this.found = new Int32Array(literals.length);
    this.partMasks = new Int32Array(literals.length);
  }

  /** Reads `text`: `has` then tells which strings it holds, until the next scan. */
  scan(text: string): void {
    this.scanParts([text]);
  }

  /**
   * Reads the parts of a text (a title, each sentence): `has` then tells which strings the
   * text holds, and `where` in which parts, until the next scan. A string is found only
   * within a part, never across two.
   */
  scanParts(parts: readonly string[]): void {
    if (++this.stamp === 0x7fffffff) {
      this.found.fill(0);
      this.stamp = 1;
    }
    const { symbols, symbolCount, next, outputStart, outputs, found, partMasks, stamp } = this;
    for (let part = 0; part < parts.length; part++) {
      const text = parts[part]!;
      const bit = 1 << Math.min(part, 31);
      let offset = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        offset = next[offset + (code < 128 ? symbols[code]! : 0)]!;
        if (offset < 0) {
          offset = -offset;
          for (let o = outputStart[offset / symbolCount]!; outputs[o]! >= 0; o++) {
            const literal = outputs[o]!;
            if (found[literal] === stamp) partMasks[literal]! |= bit;
            else {
              found[literal] = stamp;
              partMasks[literal] = bit;
            }
          }
        }
      }
    }
  }

  /** Whether the last scanned text holds string number `literal`. */
  has(literal: number): boolean {
    return this.found[literal] === this.stamp;
  }

  /** The parts of the last scanned text that hold string number `literal`, a bit each (the 32nd and later parts share the last bit); 0 for none. */
  where(literal: number): number {
    return this.found[literal] === this.stamp ? this.partMasks[literal]! : 0;
  }
}
