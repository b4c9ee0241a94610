import { isOrdinaryWord } from './ordinaryWords';
import { stripLatex } from './text';

/**
 * Finds the names a note would use for a paper: the title before a colon
 * ("LD-Pruner", "The Lottery Ticket Hypothesis") and the names the abstract gives
 * its own contribution ("we propose MixLoRA", "… (EfficientQAT)", "named PCB-Merging").
 */
export interface PaperNames {
  shortName: string | null;
  aliases: string[];
}

/**
 * Acronyms that name a field or a family of methods rather than one paper; an
 * abstract that writes "a Parameter-Efficient Fine-Tuning (PEFT) method" does not
 * name itself PEFT. Title prefixes are exempt: a paper titled "LoRA: …" is LoRA.
 */
const GENERIC_ACRONYMS = new Set(
  [
    'AI', 'AGI', 'BEV', 'CNN', 'CNNs', 'CV', 'CoT', 'DiT', 'DiTs', 'DNN', 'DNNs', 'FFN', 'FFNs', 'GAN', 'GANs',
    'GNN', 'GNNs', 'GPU', 'GPUs', 'HD', 'ICL', 'KD', 'KV', 'LDM', 'LDMs', 'LLM', 'LLMs', 'LM', 'LMs', 'LoRA',
    'LVLM', 'LVLMs', 'MLLM', 'MLLMs', 'MLP', 'MLPs', 'MoE', 'MoEs', 'NAS', 'NLP', 'NLU', 'NLG', 'PEFT', 'PET',
    'PLM', 'PLMs', 'PTQ', 'QAT', 'RAG', 'RL', 'RLHF', 'SD', 'SFT', 'SLM', 'SLMs', 'SOTA', 'SSM', 'SSMs', 'T2I',
    'TTA', 'ViT', 'ViTs', 'VLM', 'VLMs', 'VQ', 'VAE', 'VAEs', 'QA', 'OCR', 'ASR', 'TTS', 'API', 'APIs', 'IoU',
    'FLOPs', 'MACs', 'KL', 'SGD', 'RNN', 'RNNs', 'LSTM', 'UIG', 'UAG', 'LTR', 'RPS', 'PCSA', 'BLD',
  ].map((a) => a.toLowerCase()),
);

const NAME_TOKEN = /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$|^[A-Z]$/;

/**
 * A token that is clearly a coined name: some hyphen-separated part has an inner
 * capital, a digit, or is all capitals ("LD-Pruner", "T2T-ViT", "MixLoRA"), which
 * "Spatio-Temporal" or "Parameter-Efficient" do not.
 */
function isCoinedName(token: string): boolean {
  if (!NAME_TOKEN.test(token) || !/[A-Za-z]/.test(token) || !/^[A-Z0-9]/.test(token)) return false;
  return token.split('-').some((part) => /\d/.test(part) || /[A-Z]/.test(part.slice(1)));
}

/** What may follow a name standing alone ("we propose MixLoRA, …"), not a modifier ("a BEV instance …"). */
const AFTER_NAME = /^\s*(?:$|[,.;:(—–]|-\s|(?:which|that|to|for|as|in|with|by|on|and)\b)/;

function isGeneric(name: string): boolean {
  return GENERIC_ACRONYMS.has(name.toLowerCase());
}

const PROPOSAL = /\b(?:we|We|this paper|This paper|this work|This work)\s+(?:propose|proposes|introduce|introduces|present|presents|develop|develops|design|designs|call|name|dub)\s+(?:(?:a|an|the)\s+)?(?:(?:novel|new|simple|general|first|more|efficient)\s+)*/g;
const NAMING = /\b(?:called|named|dubbed|termed|coined)\s+(?:as\s+)?["“']?([A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])/g;
const PAREN_NAME = /\(([A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])\)/g;

export function extractNames(title: string, abstract: string): PaperNames {
  const candidates: string[] = [];
  const add = (name: string) => {
    const clean = name.trim();
    // A name is a word or a short phrase; anything longer is not one (and would flood cards and matching).
    if (clean && clean.length <= 60 && !candidates.includes(clean)) candidates.push(clean);
  };

  const prefix = titlePrefix(title);
  if (prefix) add(prefix);

  const text = stripLatex(abstract);
  for (const match of text.matchAll(PROPOSAL)) {
    const after = text.slice(match.index + match[0].length, match.index + match[0].length + 200);
    const clause = after.split(/(?<=[.;])\s|$/)[0] ?? '';
    // A name ends at a space or punctuation that ends it: "Re:Form" is one name, not "Re".
    const first = /^["“']?([A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])["”']?(?=$|[\s,.;)(—–-]|:(?:\s|$))/.exec(clause);
    const rest = first ? clause.slice(first[0].length) : '';
    // "we propose MixLoRA, …": a coined name, or a capitalised single word standing alone that is
    // no ordinary word ("we propose Skip and Re-use layers (Skrr)" starts a phrase, not a name).
    const name = first?.[1];
    const standsAlone = !!name && /^[A-Z][a-z]+$/.test(name) && !isOrdinaryWord(name);
    if (name && (isCoinedName(name) || standsAlone) && AFTER_NAME.test(rest) && !/^\s*\(/.test(rest) && !isGeneric(name)) {
      add(name);
      continue;
    }
    // "we propose Efficient Quantization-Aware Training (EfficientQAT)".
    for (const paren of clause.matchAll(PAREN_NAME)) {
      const name = paren[1];
      if (name && isCoinedName(name) && !isGeneric(name)) {
        add(name);
        break;
      }
    }
  }
  for (const match of text.matchAll(NAMING)) {
    const name = match[1];
    if (name && isCoinedName(name) && !isGeneric(name)) add(name);
  }

  const shortName = candidates.find((c) => !c.includes(' ')) ?? candidates[0] ?? null;
  return { shortName, aliases: candidates.filter((c) => c !== shortName) };
}

/** Words that head a title to say what kind of paper it is ("Position: …", "Survey: …"), never the paper's name. */
const GENRE_LABEL = /^(?:position|survey|review|tutorial|perspective|opinion|commentary|editorial|erratum|corrigendum|correction|comment|reply|response|technical report|white paper|extended abstract|short paper|preprint|book review)$/i;

/** The title before its colon when that reads as a name (at most five words); a colon inside a word ("Re:Form") is part of it. */
function titlePrefix(title: string): string | null {
  const colon = title.search(/:(?:\s|$)/);
  if (colon <= 0) return null;
  const prefix = title.slice(0, colon).trim();
  if (GENRE_LABEL.test(prefix)) return null;
  const words = prefix.split(/\s+/);
  if (words.length > 5 || prefix.length > 60 || !/^[A-Z0-9]/.test(prefix)) return null;
  return prefix;
}
