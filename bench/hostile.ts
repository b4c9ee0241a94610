import { parseDigest } from '../src/core/digest';
import { Library } from '../src/core/library';
import { MentionMatcher } from '../src/core/mentions';
import { newPaper } from '../src/core/model';
import { extractLinks } from '../src/core/text';

/**
 * Hostile and odd input that once took seconds to minutes, or crashed: each case makes
 * its work from a size in characters. The adversarial tests run them at growing sizes
 * and check that the time grows linearly; `npm run bench` runs them at 5 MB.
 */
export type HostileCase = (size: number) => () => unknown;

export function hostileCases(library: Library): Record<string, HostileCase> {
  const times = (unit: string, size: number) => unit.repeat(Math.max(1, Math.floor(size / unit.length)));
  return {
    'a page line of leading spaces': (size) => () => parseDigest(`${' '.repeat(size)}x\n`, 'p.txt'),
    'a page meta line with spaces inside': (size) => () => parseDigest(`Title\n\nAbstract words here that read like an abstract of a paper, quite long.\n\n  • 3${' '.repeat(size)}authors\n`, 'p.txt'),
    'an abstract with a URL and closing parentheses': (size) => () => extractLinks(`see https://a.b/c${')'.repeat(size)}`),
    'an abstract of links': (size) => () => extractLinks(times('https://a.b/c?x=1 ', size)),
    'a note of one long word': (size) => () => library.scanNote('a'.repeat(size)),
    'a note of [@a] runs in one paragraph': (size) => () => library.scanNote(times('[@a] ', size)),
    'a note of [a]( runs': (size) => () => library.scanNote(times('[a](', size)),
    'a note of citations and mentions on one line': (size) => () => library.scanNote(times('LD-Pruner [@ldpruner2024] and MixLoRA ', size)),
    'a note of short paragraphs': (size) => () => library.scanNote(times('x [@a]\n\n', size)),
    'a note of nested blockquotes': (size) => () => library.scanNote(`${'>'.repeat(size)} x [@a]`),
    'a note of nested lists': (size) => {
      // Line i is indented 2i: n lines make n² characters.
      const n = Math.floor(Math.sqrt(size));
      return () => library.scanNote(Array.from({ length: n }, (_, i) => `${' '.repeat(i * 2)}- x`).join('\n'));
    },
    'a note of e-mail-like words': (size) => () => library.scanNote(times('name.name+tag-x ', size)),
    'a search for one long word': (size) => () => library.search('a'.repeat(size)),
    'completion of one long word': (size) => () => library.completions('q'.repeat(size)),
    'a BibTeX file of many entries': (size) => () => parseDigest(Array.from({ length: Math.floor(size / 30) }, (_, i) => `@misc{k${i}, title={T ${i}}}`).join('\n'), 'a.bib'),
    'a BibTeX entry with one huge field': (size) => () => parseDigest(`@misc{a, title={T}, abstract={${times('word ', size)}}}`, 'a.bib'),
    'a JSON digest of many items': (size) => () => parseDigest(JSON.stringify(Array.from({ length: Math.floor(size / 50) }, (_, i) => ({ id: `k${i}`, type: 'article', title: `T ${i}` }))), 'a.json'),
    'a names matcher over titles that share their first words': (size) => {
      const papers = Array.from({ length: Math.floor(size / 40) }, (_, i) => newPaper(`A Study of Things Number ${i}`, { path: 'x', line: i }, { key: `k${i}` }));
      return () => new MentionMatcher(papers).find(times('A Study of ', size));
    },
  };
}
