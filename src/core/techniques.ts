import defaultTaxonomyData from './taxonomy.json';

/**
 * Techniques are data (taxonomy.json, later extendable by users): each has
 * patterns, and a paper gets a technique when the patterns weigh enough in its
 * title and in the sentences where the abstract states its own contribution.
 */
export interface TechniqueDefinition {
  id: string;
  label: string;
  category: string;
  patterns: string[];
  /** Techniques a paper also gets with this one (every `lora` paper is `peft`). */
  implies?: string[];
  /** Phrases that look like the technique but are not ("sparse attention" is not pruning); removed before matching. */
  exclude?: string[];
}

export interface CategoryDefinition {
  id: string;
  label: string;
}

export interface TaxonomyData {
  categories: CategoryDefinition[];
  techniques: TechniqueDefinition[];
}

interface CompiledPattern {
  regex: RegExp;
  /** Groups of word-start codes, each of which the pattern needs one of (see requiredWordStarts, startCode); null when unknown. */
  hints: number[][] | null;
}

interface CompiledTechnique {
  definition: TechniqueDefinition;
  patterns: CompiledPattern[];
  exclude: CompiledPattern[];
}

/**
 * Word starts a pattern cannot match without, as groups of which the text needs one start
 * each ("prun" for `\bprun(?:e|ed)\b`; "line", "spar", … and then "atte" for
 * `\b(?:linear|sparse…) attention\b`; "adap", then "laye", "modu" for
 * `\badapter (?:layers?|modules?)\b`; "fp", "int", "nf" for `\b(?:FP|INT|NF)[2-8]\b`): what
 * follows a top-level `\b` or a literal space, cut to 4 letters. Checking them against a
 * paper's words is far cheaper than the regex and rules most papers out; needing every
 * group, not only the most telling one, rules out texts that have "efficient" but never
 * "architecture". Null when there is none (the regex always runs).
 */
export function requiredWordStarts(source: string): string[][] | null {
  let depth = 0;
  const groups: string[][] = [];
  const consider = (words: string[]) => {
    const usable = words.map((w) => w.toLowerCase()).filter((w) => w.length >= 2);
    if (usable.length !== words.length || !usable.length) return;
    const group = [...new Set(usable.map((w) => w.slice(0, 4)))];
    if (!groups.some((g) => g.length === group.length && g.every((w) => group.includes(w)))) groups.push(group);
  };
  /** The word a pattern piece starts with, its last letter dropped where a quantifier makes it optional ("layers?" → "layer"). */
  const leadingWord = (piece: string) => {
    const word = /^[A-Za-z0-9]*/.exec(piece)![0];
    const next = piece[word.length];
    return next !== undefined && '?*{'.includes(next) ? word.slice(0, -1) : word;
  };
  /** What starts a word wherever the pattern matches, given the source after a word boundary. */
  const considerAt = (rest: string) => {
    // An optional group first ("(?:neural )?architecture") says nothing: look past it.
    const optional = /^\(\?:[^()]*\)\?\s?/.exec(rest);
    if (optional) rest = rest.slice(optional[0].length);
    const group = /^\(\?:([^()]*)\)/.exec(rest);
    if (group) {
      // One of its alternatives is there, unless the group itself may be left out or repeated from nothing.
      const after = rest[group[0].length];
      if (after === undefined || !'?*{'.includes(after)) consider(group[1]!.split('|').map(leadingWord));
    } else if (/^[A-Za-z0-9]/.test(rest)) consider([leadingWord(rest)]);
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      if (source[i + 1] === 'b' && depth === 0) considerAt(source.slice(i + 2));
      i++;
    } else if (c === ' ' && depth === 0) {
      // After a literal space outside any group a word starts wherever the pattern matches ("… attention\b").
      considerAt(source.slice(i + 1));
    } else if (c === '[') {
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return null;
  }
  return groups.length ? groups : null;
}

/** Letters and digits as 1–36 (a–z, then 0–9), 0 for anything else; capitals as small letters. */
function letterCode(code: number): number {
  if (code >= 97 && code <= 122) return code - 96;
  if (code >= 65 && code <= 90) return code - 64;
  if (code >= 48 && code <= 57) return code - 21;
  return 0;
}

/** A word start of 2 to 4 letters or digits as one number, the same however long the word. */
function startCode(start: string): number {
  let code = 0;
  for (let i = 0; i < 4; i++) code = code * 37 + (i < start.length ? letterCode(start.charCodeAt(i)) : 0);
  return code;
}

/**
 * The 2-, 3- and 4-letter starts of every word of a text, marked in one table with a fresh
 * stamp per text: no strings or sets are made for the thousands of papers a build reads.
 */
class WordStarts {
  // 7 MB, made when the first paper is classified (the editor's side, which never classifies, never makes it).
  private stamps = new Int32Array(0);
  private stamp = 0;

  mark(text: string): void {
    if (!this.stamps.length) this.stamps = new Int32Array(37 ** 4);
    if (++this.stamp === 0x7fffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    let length = 0;
    let code = 0;
    for (let i = 0; i <= text.length; i++) {
      const letter = i < text.length ? letterCode(text.charCodeAt(i)) : 0;
      if (letter) {
        if (length < 4) code = code * 37 + letter;
        length++;
        continue;
      }
      if (length >= 2) {
        // The word's 2-, 3- and 4-letter starts, each padded as startCode pads it.
        const full = length >= 4 ? code : length === 3 ? code * 37 : code * 37 * 37;
        this.stamps[full] = this.stamp;
        if (length >= 3) this.stamps[Math.floor(full / 37) * 37] = this.stamp;
        this.stamps[Math.floor(full / (37 * 37)) * 37 * 37] = this.stamp;
      }
      length = 0;
      code = 0;
    }
  }

  /** Whether the last marked text has, for each group, a word starting with one of its (startCode) starts. */
  hasAll(groups: readonly (readonly number[])[]): boolean {
    return groups.every((codes) => codes.some((code) => this.stamps[code] === this.stamp));
  }
}

/** One table for every taxonomy: classifying is synchronous, one paper at a time. */
const wordStarts = new WordStarts();

function compile(sources: readonly string[] | undefined, flags: string): RegExp[] {
  return (sources ?? []).flatMap((source) => {
    try {
      return [new RegExp(source, flags)];
    } catch {
      return []; // A bad user pattern must not disable the whole taxonomy.
    }
  });
}

/** Weights: a title hit alone decides; a baseline mention alone never does. */
const TITLE_WEIGHT = 4;
const PROPOSAL_WEIGHT = 3;
const CONTRIBUTION_WEIGHT = 2;
const NEUTRAL_WEIGHT = 1;
const COMPARISON_WEIGHT = 0.5;
/** However often a paper compares itself with a technique, that alone never makes it one. */
const COMPARISON_CAP = 1;
/** A subject keyword the digest gives (Hugging Face's `ai_keywords`): one more neutral mention, once. */
const KEYWORD_WEIGHT = 1;
const THRESHOLD = 3;
/** How far before a technique a "we", "our" or the paper's own name still acts on it, in characters. */
const NEAR = 20;

const PROPOSAL =
  /\b(?:we|this (?:paper|work)) (?:\w+ )?(?:propose|proposes|proposed|introduce|introduces|introduced|present|presents|presented|develop|develops|developed|design|designs|designed|devise|devised)\b|\bour (?:proposed|novel|new)\b/i;
const CONTRIBUTION = /\b(?:we|our|this (?:paper|work|study|article)|here)\b/i;
const COMPARISON =
  /\b(?:baselines?|compared (?:to|with)|comparison|outperform\w*|unlike|existing|prior (?:work|works|methods?|approaches|art|studies|research)|previous|previously|such as|e\.g\.|conventional|traditional|alternatives?|other (?:methods|approaches|techniques)|popular|common(?:ly)?|widely|assess\w*|evaluat\w*|versus|vs\.?|against|different from|instead of|rather than)\b/i;

/** The paper builds on the technique ("our method leverages existing diffusion models"): a use, whatever else the sentence compares. */
const USE = /\b(?:built|builds|build|based|relies|rely) (?:up)?on\b|\bleverag\w*|\bemploy\w*|\badopt\w*|\butili[sz]\w*|\bequipped with\b|\bunlocks?\b/i;

export class Taxonomy {
  readonly categories: CategoryDefinition[];
  readonly techniques: TechniqueDefinition[];
  private readonly compiled: CompiledTechnique[];
  private readonly byId = new Map<string, TechniqueDefinition>();

  constructor(data: TaxonomyData) {
    this.categories = data.categories;
    this.techniques = data.techniques;
    const withHints = (regex: RegExp): CompiledPattern => ({ regex, hints: requiredWordStarts(regex.source)?.map((group) => group.map(startCode)) ?? null });
    this.compiled = data.techniques.map((definition) => ({
      definition,
      patterns: compile(definition.patterns, 'i').map(withHints),
      exclude: compile(definition.exclude, 'gi').map(withHints),
    }));
    for (const t of data.techniques) this.byId.set(t.id, t);
  }

  technique(id: string): TechniqueDefinition | undefined {
    return this.byId.get(id);
  }

  /**
   * Technique ids for a paper, in taxonomy order. `keywords` are the digest's subject
   * keywords, if any; `ownNames` the paper's own names ("MOVA"): a sentence about them
   * ("MOVA employs a Mixture-of-Experts architecture") states the paper's contribution.
   */
  classify(title: string, abstract: string, keywords: readonly string[] = [], ownNames: readonly string[] = []): string[] {
    const names = ownNames.filter((n) => n.length >= 3);
    const aboutItself = (sentence: string) => CONTRIBUTION.test(sentence) || names.some((n) => sentence.includes(n));
    // "we distill it into…", "our diffusion framework", "AlayaWorld … a video diffusion transformer": the paper itself acting with the technique.
    const actsOn = (sentence: string, at: number) => {
      const before = sentence.slice(Math.max(0, at - NEAR), at);
      return /\b(?:we|our)\b/i.test(before) || names.some((n) => before.includes(n));
    };
    let sentences: string[] | undefined;
    const keywordText = keywords.join('; ');
    wordStarts.mark(`${title} ${abstract} ${keywordText}`);
    const found = new Set<string>();
    for (const { definition, patterns, exclude } of this.compiled) {
      // Most techniques appear nowhere in a paper: substring searches rule them out cheaply.
      const candidates: RegExp[] = [];
      for (const p of patterns) if (p.hints === null || wordStarts.hasAll(p.hints)) candidates.push(p.regex);
      if (!candidates.length || !candidates.some((r) => r.test(title) || r.test(abstract) || r.test(keywordText))) continue;
      sentences ??= splitSentences(abstract);
      // Only the exclusions that can occur in this paper (most never do): each would scan every sentence.
      const excluded: RegExp[] = [];
      for (const e of exclude) if (e.hints === null || wordStarts.hasAll(e.hints)) excluded.push(e.regex);
      const matchAt = (text: string) => {
        const kept = excluded.length ? excluded.reduce((t, e) => t.replace(e, ' '), text) : text;
        for (const r of candidates) {
          const m = r.exec(kept);
          if (m) return m.index;
        }
        return -1;
      };
      const matches = (text: string) => matchAt(text) >= 0;
      let score = (matches(title) ? TITLE_WEIGHT : 0) + (keywords.some(matches) ? KEYWORD_WEIGHT : 0);
      let comparisons = 0;
      for (const sentence of sentences) {
        if (score >= THRESHOLD) break;
        const at = matchAt(sentence);
        if (at < 0) continue;
        if (COMPARISON.test(sentence) && !(USE.test(sentence) && aboutItself(sentence))) {
          if (comparisons < COMPARISON_CAP) score += COMPARISON_WEIGHT;
          comparisons += COMPARISON_WEIGHT;
          continue;
        }
        score += PROPOSAL.test(sentence) || actsOn(sentence, at) ? PROPOSAL_WEIGHT : aboutItself(sentence) ? CONTRIBUTION_WEIGHT : NEUTRAL_WEIGHT;
      }
      if (score >= THRESHOLD) {
        found.add(definition.id);
        for (const implied of definition.implies ?? []) found.add(implied);
      }
    }
    return this.techniques.map((t) => t.id).filter((id) => found.has(id));
  }
}

function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z(\\])/);
}

export const defaultTaxonomy = new Taxonomy(defaultTaxonomyData as TaxonomyData);

/**
 * The default taxonomy extended or overridden by a user's techniques (the
 * `paperDigest.techniques` setting): `{ id, label, category, words?, patterns? }`. Words are
 * matched as whole words in any case ("token merging"); patterns are regular expressions.
 * A technique with a built-in id replaces it; a new category id becomes a category
 * (`categoryLabel` names it). Anything malformed is named in a problem and left out; the
 * defaults always stay.
 */
export function taxonomyWithUserTechniques(setting: unknown, base: TaxonomyData = defaultTaxonomyData as TaxonomyData): { taxonomy: Taxonomy; problems: string[] } {
  const problems: string[] = [];
  if (setting === undefined || setting === null || (Array.isArray(setting) && setting.length === 0)) return { taxonomy: defaultTaxonomy, problems };
  if (!Array.isArray(setting)) return { taxonomy: defaultTaxonomy, problems: ['paperDigest.techniques must be a list of techniques ({ "id", "label", "category", "words" }); the built-in techniques are used.'] };
  const categories = [...base.categories];
  const techniques = [...base.techniques];
  setting.forEach((raw: unknown, i) => {
    const where = `paperDigest.techniques[${i}]`;
    if (!raw || typeof raw !== 'object') return void problems.push(`${where} is not an object; left out.`);
    const entry = raw as Record<string, unknown>;
    const text = (name: string) => (typeof entry[name] === 'string' && (entry[name] as string).trim() ? (entry[name] as string).trim() : undefined);
    const list = (name: string) => (Array.isArray(entry[name]) && (entry[name] as unknown[]).every((w) => typeof w === 'string') ? (entry[name] as string[]) : undefined);
    const id = text('id');
    const label = text('label');
    const category = text('category');
    if (!id || !label || !category) return void problems.push(`${where} needs "id", "label" and "category" (strings); left out.`);
    if ((entry.words !== undefined && !list('words')) || (entry.patterns !== undefined && !list('patterns'))) {
      return void problems.push(`${where} ("${id}"): "words" and "patterns" must be lists of strings; left out.`);
    }
    const patterns: string[] = (list('words') ?? []).filter((w) => w.trim()).map((w) => `\\b${w.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '[\\s-]+')}\\b`);
    for (const pattern of list('patterns') ?? []) {
      try {
        new RegExp(pattern, 'i');
        patterns.push(pattern);
      } catch (error) {
        problems.push(`${where} ("${id}"): the pattern ${JSON.stringify(pattern)} is not a valid regular expression (${(error as Error).message}); it is left out.`);
      }
    }
    if (!patterns.length) return void problems.push(`${where} ("${id}") has no words or patterns to recognise it by; left out.`);
    if (!categories.some((c) => c.id === category)) categories.push({ id: category, label: text('categoryLabel') ?? category });
    const technique: TechniqueDefinition = { id, label, category, patterns };
    const at = techniques.findIndex((t) => t.id === id);
    if (at >= 0) techniques[at] = technique;
    else techniques.push(technique);
  });
  return { taxonomy: new Taxonomy({ categories, techniques }), problems };
}
