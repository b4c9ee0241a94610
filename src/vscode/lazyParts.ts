// What lazyModules.ts loads when first used, as one module: citeproc's references need the
// BibTeX reader too (to read fields as pandoc does), so the two share one copy of it.
export * as cslFormat from '../core/cslFormat';
export * as digest from '../core/digest';
