/**
 * The web-platform globals the core uses, present in Node, in workers and in browsers
 * alike. Declared here (not by including Node's or the DOM's typings) so that
 * `tsc -p src/core` proves the core uses nothing else.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare const performance: { now(): number } | undefined;
declare function setTimeout(callback: (value?: unknown) => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare const crypto: { subtle: { digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer> } };
declare function structuredClone<T>(value: T): T;
