import type * as CslFormat from '../core/cslFormat';
import type * as Digest from '../core/digest';

/**
 * The parts of the extension that carry big libraries, loaded when first used rather than
 * when the editor starts the extension: citeproc (a note's reference style) and the BibTeX
 * reader (a bibliography file a note declares) were ~1 MB of the 1.4 MB the editor compiled
 * and ran at every start, in one block of its thread. The desktop build makes each a file
 * of its own (esbuild.js: `lazyModules`); other builds keep them in the bundle, where
 * `require` only defers running them.
 */
let cslFormatModule: typeof CslFormat | undefined;
let digestModule: typeof Digest | undefined;

/** References in a CSL style (citeproc-js): hover, the preview's citations, Copy Reference, Update References. */
export function cslFormat(): typeof CslFormat {
  return (cslFormatModule ??= require('../core/cslFormat') as typeof CslFormat);
}

/** The digest and bibliography readers (BibTeX, CSL-JSON, Hugging Face JSON, Daily Papers pages), for a note's own bibliography files. */
export function digestReader(): typeof Digest {
  return (digestModule ??= require('../core/digest') as typeof Digest);
}
