import { LiteralScanner, requiredLiterals } from './patternLiterals';
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
  /** Groups of strings (as numbers of the taxonomy's `literals`), each of which the pattern needs one of in the text in small letters (see requiredLiterals); null when unknown. */
  literals: number[][] | null;
}

interface CompiledTechnique {
  definition: TechniqueDefinition;
  patterns: CompiledPattern[];
  exclude: CompiledPattern[];
}

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
/** The parts of a paper's text scanned for the patterns' strings, a bit each (see LiteralScanner.scanParts): the title, the keywords, then each sentence of the abstract (from the 30th on, one bit). */
const TITLE_PART = 1;
const KEYWORDS_PART = 2;
const sentencePart = (sentence: number) => 1 << Math.min(sentence + 2, 31);
const ALL_PARTS = -1;
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
  /** The patterns compiled, with the strings each needs: made by the first `classify` (the editor, which never classifies, never makes them; ~7 ms of its start). */
  private compiled: { techniques: CompiledTechnique[]; scanner: LiteralScanner } | undefined;
  private readonly byId = new Map<string, TechniqueDefinition>();

  constructor(data: TaxonomyData) {
    this.categories = data.categories;
    this.techniques = data.techniques;
    for (const t of data.techniques) this.byId.set(t.id, t);
  }

  private compiledTechniques(): { techniques: CompiledTechnique[]; scanner: LiteralScanner } {
    if (!this.compiled) {
      // Every string some pattern needs, once; found in a paper's text in one pass.
      const literals: string[] = [];
      const literalNumbers = new Map<string, number>();
      const literalNumber = (literal: string) => {
        let number = literalNumbers.get(literal);
        if (number === undefined) literalNumbers.set(literal, (number = literals.push(literal) - 1));
        return number;
      };
      const compiledPattern = (regex: RegExp): CompiledPattern => ({
        regex,
        literals: requiredLiterals(regex.source)?.map((group) => group.map(literalNumber)) ?? null,
      });
      const techniques = this.techniques.map((definition) => ({
        definition,
        patterns: compile(definition.patterns, 'i').map(compiledPattern),
        exclude: compile(definition.exclude, 'gi').map(compiledPattern),
      }));
      this.compiled = { techniques, scanner: new LiteralScanner(literals) };
    }
    return this.compiled;
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
    const keywordText = keywords.join('; ');
    const { techniques, scanner } = this.compiledTechniques();
    const sentences = new Sentences(abstract, aboutItself);
    // The strings the patterns need, found in one pass over the title, the keywords and each sentence
    // (a bit each): most patterns cannot match a paper, and in the rest only the parts with their
    // strings can hold a match. That rules out far more, far faster, than running the regexes.
    scanner.scanParts([title, keywordText, ...sentences.texts]);
    const partsOf = (p: CompiledPattern): number => {
      if (p.literals === null) return ALL_PARTS;
      let parts = ALL_PARTS;
      for (const group of p.literals) {
        let inGroup = 0;
        for (const literal of group) inGroup |= scanner.where(literal);
        if (!(parts &= inGroup)) return 0;
      }
      return parts;
    };
    const found = new Set<string>();
    for (const { definition, patterns, exclude } of techniques) {
      const candidates: RegExp[] = [];
      const candidateParts: number[] = [];
      let anyPart = 0;
      for (const p of patterns) {
        const parts = partsOf(p);
        if (!parts) continue;
        candidates.push(p.regex);
        candidateParts.push(parts);
        anyPart |= parts;
      }
      if (!anyPart) continue;
      // Only the exclusions that can occur in this paper (most never do), in the parts they can occur in.
      const excluded: RegExp[] = [];
      const excludedParts: number[] = [];
      for (const e of exclude) {
        const parts = partsOf(e);
        if (!parts) continue;
        excluded.push(e.regex);
        excludedParts.push(parts);
      }
      // Where the first pattern that can be in `part` matches its text, exclusions removed; -1 for none.
      const matchAt = (text: string, part: number) => {
        let kept: string | undefined;
        for (let c = 0; c < candidates.length; c++) {
          if (!(candidateParts[c]! & part)) continue;
          if (kept === undefined) {
            kept = text;
            for (let e = 0; e < excluded.length; e++) if (excludedParts[e]! & part) kept = kept.replace(excluded[e]!, ' ');
          }
          const m = candidates[c]!.exec(kept);
          if (m) return m.index;
        }
        return -1;
      };
      let score = (anyPart & TITLE_PART && matchAt(title, TITLE_PART) >= 0 ? TITLE_WEIGHT : 0) + (anyPart & KEYWORDS_PART && keywords.some((k) => matchAt(k, KEYWORDS_PART) >= 0) ? KEYWORD_WEIGHT : 0);
      let comparisons = 0;
      for (let i = 0; i < sentences.texts.length && score < THRESHOLD; i++) {
        const part = sentencePart(i);
        if (!(anyPart & part)) continue;
        const sentence = sentences.texts[i]!;
        const at = matchAt(sentence, part);
        if (at < 0) continue;
        if (sentences.compares(i)) {
          if (comparisons < COMPARISON_CAP) score += COMPARISON_WEIGHT;
          comparisons += COMPARISON_WEIGHT;
          continue;
        }
        score += sentences.proposes(i) || actsOn(sentence, at) ? PROPOSAL_WEIGHT : sentences.isAboutItself(i) ? CONTRIBUTION_WEIGHT : NEUTRAL_WEIGHT;
      }
      if (score >= THRESHOLD) {
        found.add(definition.id);
        for (const implied of definition.implies ?? []) found.add(implied);
      }
    }
    return this.techniques.map((t) => t.id).filter((id) => found.has(id));
  }
}

/** An abstract's sentences, with what each says of the paper, found once for every technique it mentions. */
class Sentences {
  readonly texts: string[];
  // 0 not known yet, 1 yes, 2 no.
  private readonly comparing: Uint8Array;
  private readonly proposing: Uint8Array;
  private readonly aboutItself: Uint8Array;

  constructor(
    abstract: string,
    private readonly isAbout: (sentence: string) => boolean,
  ) {
    this.texts = abstract.split(/(?<=[.!?])\s+(?=[A-Z(\\])/);
    this.comparing = new Uint8Array(this.texts.length);
    this.proposing = new Uint8Array(this.texts.length);
    this.aboutItself = new Uint8Array(this.texts.length);
  }

  /** Compares the paper with others ("unlike prior work"), unless it is the paper itself using what it names. */
  compares(i: number): boolean {
    return (this.comparing[i] ||= COMPARISON.test(this.texts[i]!) && !(USE.test(this.texts[i]!) && this.isAboutItself(i)) ? 1 : 2) === 1;
  }

  /** States what the paper proposes ("we introduce …"). */
  proposes(i: number): boolean {
    return (this.proposing[i] ||= PROPOSAL.test(this.texts[i]!) ? 1 : 2) === 1;
  }

  /** Speaks of the paper itself ("we", "our", its own name). */
  isAboutItself(i: number): boolean {
    return (this.aboutItself[i] ||= this.isAbout(this.texts[i]!) ? 1 : 2) === 1;
  }
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
