/** Where the bundled default digest sits, relative to the extension's (or CLI's) root folder. */
export const BUNDLED_DIGEST = ['media', 'digests', 'daily-papers-parameter-count.txt'] as const;

/** The citation styles bundled in media/csl (with the en-US and en-GB locales), by the name a setting or `--csl` uses. */
export const BUNDLED_CSL_STYLES = ['apa', 'ieee', 'chicago-author-date', 'vancouver', 'harvard-cite-them-right'] as const;
/** Whether a style name is one bundled in media/csl. */
export function isBundledCsl(name: string): boolean {
  return (BUNDLED_CSL_STYLES as readonly string[]).includes(name);
}
export const BUNDLED_CSL_DIR = ['media', 'csl'] as const;
export const BUNDLED_CSL_LOCALES = ['en-US', 'en-GB'] as const;
/** pandoc's default style, so that `--style text` without `--csl` matches `pandoc --citeproc`. */
export const DEFAULT_CSL_STYLE = 'chicago-author-date';
