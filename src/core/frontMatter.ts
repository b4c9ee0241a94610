// A note's front matter found without a Markdown or YAML parser: the editor compares it on every
// look at a note's bibliography, and loads those parsers only when it reads one (see lazyModules.ts).

const FRONT_MATTER = /^(\uFEFF?)---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/** A note's YAML front matter (`---` … `---` at the very start): its text, and where the block ends. */
export function frontMatter(text: string): { yaml: string; end: number } | undefined {
  // No front matter is longer than a megabyte; a note that never closes one is not read to its end for it.
  const match = FRONT_MATTER.exec(text.slice(0, 1_000_000));
  return match ? { yaml: match[2]!, end: match[0].length } : undefined;
}
