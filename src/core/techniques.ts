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

interface CompiledTechnique {
  definition: TechniqueDefinition;
  patterns: RegExp[];
  exclude: RegExp[];
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
const THRESHOLD = 3;

const PROPOSAL =
  /\b(?:we|this (?:paper|work)) (?:\w+ )?(?:propose|proposes|introduce|introduces|present|presents|develop|develops|design|designs)\b/i;
const CONTRIBUTION = /\b(?:we|our|this (?:paper|work|study|article)|here)\b/i;
const COMPARISON =
  /\b(?:baselines?|compared (?:to|with)|comparison|outperform\w*|unlike|existing|prior|previous|previously|such as|e\.g\.|conventional|traditional|alternatives?|other (?:methods|approaches|techniques)|popular|common(?:ly)?|widely|assess\w*|evaluat\w*|versus|vs\.?|against|different from|instead of|rather than)\b/i;

export class Taxonomy {
  readonly categories: CategoryDefinition[];
  readonly techniques: TechniqueDefinition[];
  private readonly compiled: CompiledTechnique[];
  private readonly byId = new Map<string, TechniqueDefinition>();

  constructor(data: TaxonomyData) {
    this.categories = data.categories;
    this.techniques = data.techniques;
    this.compiled = data.techniques.map((definition) => ({
      definition,
      patterns: compile(definition.patterns, 'i'),
      exclude: compile(definition.exclude, 'gi'),
    }));
    for (const t of data.techniques) this.byId.set(t.id, t);
  }

  technique(id: string): TechniqueDefinition | undefined {
    return this.byId.get(id);
  }

  /** Technique ids for a paper, in taxonomy order. */
  classify(title: string, abstract: string): string[] {
    const sentences = splitSentences(abstract);
    const found = new Set<string>();
    for (const { definition, patterns, exclude } of this.compiled) {
      const matches = (text: string) => {
        const kept = exclude.reduce((t, e) => t.replace(e, ' '), text);
        return patterns.some((p) => p.test(kept));
      };
      let score = matches(title) ? TITLE_WEIGHT : 0;
      let comparisons = 0;
      for (const sentence of sentences) {
        if (score >= THRESHOLD) break;
        if (!matches(sentence)) continue;
        if (COMPARISON.test(sentence)) {
          if (comparisons < COMPARISON_CAP) score += COMPARISON_WEIGHT;
          comparisons += COMPARISON_WEIGHT;
          continue;
        }
        score += PROPOSAL.test(sentence) ? PROPOSAL_WEIGHT : CONTRIBUTION.test(sentence) ? CONTRIBUTION_WEIGHT : NEUTRAL_WEIGHT;
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
