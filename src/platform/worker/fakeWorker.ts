import * as Comlink from 'comlink';
import type { WorkerLike } from './client';
import { holdLifeline } from './lifeline';
import type { LockManagerLike } from './lifeline';

/**
 * Test support: a Web Worker stand-in for Node, its API exposed with comlink on the far end of a
 * MessageChannel in the same thread. It can misbehave the ways real workers do:
 * - `freeze()`: its event loop is blocked (a synchronous step that never yields): messages to it
 *   wait, unanswered, until `thaw()`;
 * - `die()`: it ended itself (`self.close()`): silence, and no error event;
 * - `crash(message)`: an uncaught error: an `error` event on the main side.
 * Given a FakeLocks, it holds its lifeline (lifeline.ts) as a real worker's entry does, and lets
 * go of it when it dies or is terminated, as a real worker's context does.
 */
export class FakeWorker implements WorkerLike {
  terminated = false;
  private frozen = false;
  private dead = false;
  private readonly held: (() => void)[] = [];
  private readonly errorListeners = new Set<EventListenerOrEventListenerObject>();
  private readonly outside: MessagePort;
  private readonly inside: MessagePort;
  private readonly wrapped = new Map<EventListenerOrEventListenerObject, EventListener>();

  private readonly agent: FakeLockAgent | null;

  constructor(api: object, locks?: FakeLocks) {
    const { port1, port2 } = new MessageChannel();
    this.outside = port1;
    this.inside = port2;
    const inside = this.insideEndpoint();
    this.agent = locks ? locks.agent() : null;
    if (this.agent) holdLifeline(inside as Parameters<typeof holdLifeline>[0], this.agent);
    Comlink.expose(api, inside);
  }

  /** The worker's own end: what it receives passes through the freeze/death switches. */
  private insideEndpoint(): Comlink.Endpoint {
    const port = this.inside;
    return {
      postMessage: (message: unknown, transfer?: Transferable[]) => {
        if (this.dead || this.terminated) return;
        const send = () => port.postMessage(message, transfer ?? []);
        if (this.frozen) this.held.push(send);
        else send();
      },
      addEventListener: (type: string, listener: EventListenerOrEventListenerObject) => {
        const handle = (ev: Event) => {
          const deliver = () =>
            typeof listener === 'function' ? listener(ev) : listener.handleEvent(ev);
          if (this.dead || this.terminated) return;
          if (this.frozen) this.held.push(deliver);
          else deliver();
        };
        this.wrapped.set(listener, handle);
        port.addEventListener(type, handle);
      },
      removeEventListener: (type: string, listener: EventListenerOrEventListenerObject) => {
        const handle = this.wrapped.get(listener);
        if (handle) port.removeEventListener(type, handle);
      },
      start: () => port.start(),
    };
  }

  postMessage(message: unknown, transfer?: Transferable[]): void {
    if (!this.terminated) this.outside.postMessage(message, transfer ?? []);
  }

  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'error') this.errorListeners.add(listener);
    else this.outside.addEventListener(type, listener);
  }

  removeEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'error') this.errorListeners.delete(listener);
    else this.outside.removeEventListener(type, listener);
  }

  start(): void {
    this.outside.start();
  }

  terminate(): void {
    this.terminated = true;
    this.agent?.end();
    this.held.length = 0;
    this.outside.close();
    this.inside.close();
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const run of this.held.splice(0)) run();
  }

  die(): void {
    this.dead = true;
    this.agent?.end();
    this.held.length = 0;
  }

  crash(message: string): void {
    const event = Object.assign(new Event('error'), { message });
    for (const l of this.errorListeners)
      if (typeof l === 'function') l(event);
      else l.handleEvent(event);
  }
}

/** One agent's view of FakeLocks (a page's, a worker's): `end()` releases what it holds. */
export interface FakeLockAgent extends LockManagerLike {
  end(): void;
}

/**
 * The Web Locks API in one process: a lock is held until its callback's promise settles or its
 * holder's agent ends; requests for a held lock wait in line.
 */
export class FakeLocks {
  private readonly holders = new Map<string, object>();
  private readonly waiting = new Map<string, { agent: object; grant: () => void }[]>();

  agent(): FakeLockAgent {
    const me = {};
    return {
      request: (name, callback) =>
        new Promise((resolve, reject) => {
          const grant = () => {
            this.holders.set(name, me);
            Promise.resolve()
              .then(callback)
              .then(resolve, reject)
              .finally(() => {
                if (this.holders.get(name) === me) this.release(name);
              });
          };
          if (this.holders.has(name)) {
            const line = this.waiting.get(name) ?? [];
            line.push({ agent: me, grant });
            this.waiting.set(name, line);
          } else grant();
        }),
      end: () => {
        for (const [name, line] of this.waiting)
          this.waiting.set(
            name,
            line.filter((w) => w.agent !== me),
          );
        for (const [name, holder] of [...this.holders]) if (holder === me) this.release(name);
      },
    };
  }

  private release(name: string): void {
    this.holders.delete(name);
    const next = this.waiting.get(name)?.shift();
    next?.grant();
  }
}

/** A factory for a client, and every worker it made, newest last. */
export function fakeWorkers(
  makeApi: () => object,
  locks?: FakeLocks,
): {
  create: () => FakeWorker;
  workers: FakeWorker[];
  current: () => FakeWorker;
} {
  const workers: FakeWorker[] = [];
  return {
    create: () => {
      const w = new FakeWorker(makeApi(), locks);
      workers.push(w);
      return w;
    },
    workers,
    current: () => workers[workers.length - 1]!,
  };
}

const realSetImmediate = globalThis.setImmediate;
/**
 * Lets messages between the two ends flow: several turns of the real event loop (fake timers
 * leave setImmediate alone when the tests ask them to).
 */
export async function flushMessages(turns = 8): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => realSetImmediate(r));
}

/** Timers to fake in these tests: everything but setImmediate, which carries the messages. */
export const FAKED_TIMERS = [
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'Date',
  'performance',
] as const;
