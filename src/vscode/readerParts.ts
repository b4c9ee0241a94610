// What lazyModules.ts loads when the editor first reads a note or fetches papers (see noteReaders).
export * as noteBibliography from '../core/noteBibliography';
export * as noteScanner from '../core/noteScanner';
export * as paperSources from '../core/paperSources';
export * as writing from '../core/writing';
