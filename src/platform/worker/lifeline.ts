/**
 * A worker's lifeline: a Web Lock the worker holds for as long as it lives.
 *
 * A worker that ends itself (`self.close()`) or is ended by the browser fires no `error` event and
 * answers nothing; the client's heartbeat notices the silence, but only after its deadline (15 s
 * for the compute worker, which must outlast the longest evaluation). A lock is released the
 * moment its holder's context goes away, whatever the way, so the page learns of the end at once:
 *
 * 1. the client sends the new worker `{ lifeline: name }` (a name no one else uses);
 * 2. the worker takes that lock, never to give it back, and answers `{ lifelineHeld: name }`;
 * 3. the client then asks for the same lock. It is granted only once the worker is gone.
 *
 * A worker whose event loop never yields (a hang) keeps its lock: the heartbeat covers that. Where
 * the Web Locks API is missing (an insecure context, Node), nothing is sent and the heartbeat
 * alone keeps watch. Comlink ignores both messages (they carry no call id or type).
 */

/** The part of the Web Locks API used here (`navigator.locks`). */
export interface LockManagerLike {
  request(name: string, callback: () => unknown): Promise<unknown>;
}

/** The page's or worker's lock manager, if it has one. */
export function lockManager(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ?? null;
}

export interface LifelineRequest {
  readonly lifeline: string;
}

export interface LifelineHeld {
  readonly lifelineHeld: string;
}

/** Where the worker receives and answers: its global scope, or a test's endpoint. */
interface Scope {
  addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
  postMessage(message: LifelineHeld): void;
}

/** Run once in a worker's entry: holds the lock the client names, for the worker's whole life. */
export function holdLifeline(scope: Scope, locks: LockManagerLike | null = lockManager()): void {
  if (!locks) return;
  let held = false;
  scope.addEventListener('message', (ev) => {
    const name = (ev.data as Partial<LifelineRequest> | null)?.lifeline;
    if (typeof name !== 'string' || held) return;
    held = true;
    // A refusal (no lock manager for this context) leaves the heartbeat in charge.
    locks
      .request(name, () => {
        scope.postMessage({ lifelineHeld: name });
        return new Promise<never>(() => undefined);
      })
      .catch(() => undefined);
  });
}
