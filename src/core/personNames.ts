import { PersonName } from './model';

/**
 * Names as BibTeX and CSL split them. Display strings from Hugging Face ("Hado van
 * Hasselt") are split the way BibTeX splits "First von Last": the lowercase words
 * before the last word are the particle.
 */

const SUFFIX = /^(?:jr\.?|sr\.?|ii|iii|iv)$/i;

export function splitName(display: string): PersonName {
  const words = display.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { family: '' };
  if (words.length === 1) return { family: words[0]! };
  let suffix: string | undefined;
  if (words.length > 2 && SUFFIX.test(words[words.length - 1]!)) suffix = words.pop()!.replace(/^,|,$/g, '');
  const family = words.pop()!.replace(/,$/, '');
  // The particle: the run of lowercase words right before the family name ("van", "de la").
  let p = words.length;
  while (p > 1 && isLowercaseWord(words[p - 1]!)) p--;
  const particle = words.slice(p).join(' ');
  const given = words.slice(0, p).join(' ');
  return { family, ...(given ? { given } : {}), ...(particle ? { particle } : {}), ...(suffix ? { suffix } : {}) };
}

function isLowercaseWord(word: string): boolean {
  return /^\p{Ll}/u.test(word);
}

/** "Hado van Hasselt", as a reader writes it. */
export function displayName(name: PersonName): string {
  if (name.literal) return name.literal;
  return [name.given, name.particle, name.family, name.suffix].filter(Boolean).join(' ');
}

/** The family name with its particle, as sorted and cited ("van Hasselt"). */
export function familyWithParticle(name: PersonName): string {
  if (name.literal) return name.literal;
  return [name.particle, name.family].filter(Boolean).join(' ');
}

/** A paper's authors split: the digest's own split where it gave one, else split from the display names. */
export function creatorsOf(paper: { creators: readonly PersonName[]; authors: readonly string[] }): PersonName[] {
  return paper.creators.length ? [...paper.creators] : paper.authors.map(splitName);
}
