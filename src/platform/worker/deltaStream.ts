/**
 * Progress from a worker, sent as deltas (only the points since the last send, never the whole
 * history) and at most once per `intervalMs` (10 Hz by default): a run that reports every few
 * milliseconds must not flood the main thread with messages and store updates.
 *
 * The first point goes at once; later ones wait for the interval, with a timer so that the last
 * points before a pause (a test-set evaluation, say) are not held until the next step.
 */
export class DeltaStream<P> {
  private buffer: P[] = [];
  private lastSent = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastDelivery: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    /** Sends one delta; may return a promise that settles once it was received. */
    private readonly deliver: (delta: P[]) => unknown,
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(point: P): void {
    if (this.closed) return;
    this.buffer.push(point);
    const wait = this.lastSent + this.intervalMs - this.now();
    if (wait <= 0) this.send();
    else this.timer ??= setTimeout(() => this.send(), wait);
  }

  private send(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    const delta = this.buffer;
    this.buffer = [];
    this.lastSent = this.now();
    // Sent synchronously, so deltas leave in order; a receiver that has gone away must not fail
    // the run that reports to it.
    let delivered: Promise<unknown>;
    try {
      delivered = Promise.resolve(this.deliver(delta)).catch(() => undefined);
    } catch {
      delivered = Promise.resolve();
    }
    this.lastDelivery = Promise.all([this.lastDelivery, delivered]);
  }

  /** Sends what is buffered now and resolves once every delta sent so far was received. */
  async drain(): Promise<void> {
    this.send();
    await this.lastDelivery;
  }

  /** Drops what is buffered; later pushes are ignored. */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.buffer = [];
    this.closed = true;
  }
}
