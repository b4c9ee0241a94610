/** The part of citeproc-js (CommonJS build, no typings of its own) that cslFormat.ts uses. */
declare module 'citeproc' {
  interface Sys {
    retrieveLocale(lang: string): string | undefined;
    retrieveItem(id: string): unknown;
  }
  class Engine {
    constructor(sys: Sys, style: string, lang?: string);
    setOutputFormat(format: 'text' | 'html' | 'rtf'): void;
    updateItems(ids: string[]): void;
    makeBibliography(): [unknown, string[]] | false;
    makeCitationCluster(items: Array<Record<string, unknown>>): string;
  }
  const CSL: { Engine: typeof Engine };
  namespace CSL {
    type Engine = InstanceType<typeof Engine>;
  }
  export default CSL;
}
