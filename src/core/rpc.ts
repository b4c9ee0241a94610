/**
 * Requests, answers and notifications over a message port, both ways: the extension
 * host and the library engine's worker talk through one of these on each side (as a
 * language client and server do). Nothing here knows whether the port is a Node
 * `worker_threads` worker, a Web Worker, or (in tests) a pair of in-memory queues.
 */

/** One end of a message port. `transfer` lists buffers handed over without copying. */
export interface MessagePortLike {
  post(message: unknown, transfer?: ArrayBuffer[]): void;
  onMessage(handler: (message: unknown) => void): void;
}

type Message =
  | { kind: 'request'; id: number; method: string; params: unknown }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; message: string }
  | { kind: 'notify'; method: string; params: unknown };

/** A request whose other side went away (the worker crashed or was stopped) before it answered. */
export class ConnectionClosed extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ConnectionClosed';
  }
}

/** A handler's answer, and buffers to transfer with it. */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly buffers: ArrayBuffer[],
  ) {}
}

type Handler = (params: never) => unknown;

export class RpcEndpoint {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly handlers = new Map<string, Handler>();
  private readonly listeners = new Map<string, Handler>();
  private closed: string | undefined;

  constructor(private readonly port: MessagePortLike) {
    port.onMessage((message) => this.receive(message as Message));
  }

  request<T>(method: string, params?: unknown, transfer?: ArrayBuffer[]): Promise<T> {
    if (this.closed !== undefined) return Promise.reject(new ConnectionClosed(this.closed));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.port.post({ kind: 'request', id, method, params } satisfies Message, transfer);
    });
  }

  notify(method: string, params?: unknown, transfer?: ArrayBuffer[]): void {
    if (this.closed === undefined) this.port.post({ kind: 'notify', method, params } satisfies Message, transfer);
  }

  /** Answers `method` requests; a thrown error or rejected promise is sent back as the request's error. */
  handle<P>(method: string, handler: (params: P) => unknown): void {
    this.handlers.set(method, handler as Handler);
  }

  on<P>(method: string, listener: (params: P) => void): void {
    this.listeners.set(method, listener as Handler);
  }

  /** The other side is gone: every request still waiting fails with `reason`, and later ones at once. */
  close(reason: string): void {
    this.closed = reason;
    for (const { reject } of this.pending.values()) reject(new ConnectionClosed(reason));
    this.pending.clear();
  }

  private receive(message: Message): void {
    switch (message.kind) {
      case 'request':
        void this.answer(message.id, message.method, message.params);
        return;
      case 'notify':
        (this.listeners.get(message.method) as ((params: unknown) => void) | undefined)?.(message.params);
        return;
      case 'result':
      case 'error': {
        const waiting = this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id);
        if (message.kind === 'result') waiting.resolve(message.result);
        else waiting.reject(new Error(message.message));
      }
    }
  }

  private async answer(id: number, method: string, params: unknown): Promise<void> {
    const handler = this.handlers.get(method) as ((params: unknown) => unknown) | undefined;
    try {
      if (!handler) throw new Error(`no handler for ${method}`);
      const result = await handler(params);
      if (this.closed !== undefined) return;
      if (result instanceof Transfer) this.port.post({ kind: 'result', id, result: result.value } satisfies Message, result.buffers);
      else this.port.post({ kind: 'result', id, result } satisfies Message);
    } catch (error) {
      if (this.closed === undefined) this.port.post({ kind: 'error', id, message: error instanceof Error ? error.message : String(error) } satisfies Message);
    }
  }
}

/** Two connected in-memory ports, messages delivered asynchronously as a real port would (tests, the CLI). */
export function memoryPorts(): [MessagePortLike, MessagePortLike] {
  const make = (): MessagePortLike & { handler?: (message: unknown) => void; peer?: { handler?: (message: unknown) => void } } => {
    const port: MessagePortLike & { handler?: (message: unknown) => void; peer?: { handler?: (message: unknown) => void } } = {
      post: (message) => {
        const copy = structuredCloneSafe(message);
        void Promise.resolve().then(() => port.peer?.handler?.(copy));
      },
      onMessage: (handler) => {
        port.handler = handler;
      },
    };
    return port;
  };
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** What crosses a port is a copy: tests see the same (no shared objects) as with a real worker. */
function structuredCloneSafe(value: unknown): unknown {
  return typeof structuredClone === 'function' ? structuredClone(value) : value;
}
