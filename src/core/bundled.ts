/** Where the bundled default digest sits, relative to the extension's (or CLI's) root folder. */
export const BUNDLED_DIGEST = ['media', 'digests', 'daily-papers-parameter-count.txt'] as const;
