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
}

/** Weights: a title hit alone decides; a baseline mention alone never does. */
const TITLE_WEIGHT = 4;
const CONTRIBUTION_WEIGHT = 2;
const NEUTRAL_WEIGHT = 1;
const COMPARISON_WEIGHT = 0.5;
const THRESHOLD = 3;

const CONTRIBUTION = /\b(?:we|our|this (?:paper|work|study|article)|here)\b/i;
const COMPARISON =
  /\b(?:baselines?|compared (?:to|with)|comparison|outperform\w*|unlike|existing|prior|previous|previously|such as|e\.g\.|conventional|traditional|alternatives?|other (?:methods|approaches|techniques)|popular|common(?:ly)?|widely)\b/i;

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
      patterns: definition.patterns.flatMap((source) => {
        try {
          return [new RegExp(source, 'i')];
        } catch {
          return []; // A bad user pattern must not disable the whole taxonomy.
        }
      }),
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
    for (const { definition, patterns } of this.compiled) {
      const matches = (text: string) => patterns.some((p) => p.test(text));
      let score = matches(title) ? TITLE_WEIGHT : 0;
      for (const sentence of sentences) {
        if (score >= THRESHOLD) break;
        if (!matches(sentence)) continue;
        score += COMPARISON.test(sentence)
          ? COMPARISON_WEIGHT
          : CONTRIBUTION.test(sentence)
            ? CONTRIBUTION_WEIGHT
            : NEUTRAL_WEIGHT;
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
