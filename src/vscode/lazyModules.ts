import type * as LazyParts from './lazyParts';
import type * as ReaderParts from './readerParts';

/**
 * The parts of the extension that carry big libraries, loaded when first used rather than
 * when the editor starts the extension: citeproc (a note's reference style) and the BibTeX
 * reader (a bibliography file a note declares, and citeproc's reading of BibTeX fields)
 * were ~1 MB of the 1.4 MB the editor compiled and ran at every start, in one block of its
 * thread. The desktop build makes them a file of their own (esbuild.js: `lazyParts`); other
 * builds keep them in the bundle, where `require` only defers running them.
 */
let parts: typeof LazyParts | undefined;

function lazyParts(): typeof LazyParts {
  return (parts ??= require('./lazyParts') as typeof LazyParts);
}

/** References in a CSL style (citeproc-js): hover, the preview's citations, Copy Reference, Update References. */
export function cslFormat(): typeof LazyParts.cslFormat {
  return lazyParts().cslFormat;
}

/** The digest and bibliography readers (BibTeX, CSL-JSON, Hugging Face JSON, Daily Papers pages), for a note's own bibliography files. */
export function digestReader(): typeof LazyParts.digest {
  return lazyParts().digest;
}

let readers: typeof ReaderParts | undefined;

/**
 * The readers of a note's Markdown and YAML front matter (its bibliography, citations and
 * link references, Update References) and of the paper sources' replies (arXiv's XML): ~250
 * kB of parsers, loaded when the editor first reads a note or fetches papers, not at every
 * start (its start's event-loop block was 45-53 ms, ~20 ms of it these). A file of its own
 * on the desktop, as `lazyParts` is.
 */
export function noteReaders(): typeof ReaderParts {
  return (readers ??= require('./readerParts') as typeof ReaderParts);
}
