import { serveLibraryEngine } from '../core/libraryEngine';
import { RpcEndpoint } from '../core/rpc';

// The library engine in a Web Worker (VS Code for the Web): see core/libraryEngine.ts.
declare const self: { postMessage(message: unknown, transfer?: unknown[]): void; onmessage: ((event: { data: unknown }) => void) | null };

serveLibraryEngine(
  new RpcEndpoint({
    post: (message, transfer) => self.postMessage(message, transfer ?? []),
    onMessage: (handler) => {
      self.onmessage = (event) => handler(event.data);
    },
  }),
);
