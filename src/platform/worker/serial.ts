/**
 * The compute worker's serialisation (pure: no tfjs), one instance per engine.
 *
 * `exclusive`: evaluation and calibration load weights into the model's variables and then await;
 * two of them interleaving would evaluate one config's weights under another's name. They run one
 * at a time, in arrival order; a job that fails does not block the next.
 *
 * `supersedable`: "latest wins" per channel. A queued job whose channel has seen a newer request
 * by the time its turn comes is dropped (its fn never runs), so dragging a slider across six values
 * runs one evaluation, not six. The rejection is named CancelledError: the client treats it as a
 * cancellation, not a failure. A running job is not interrupted; channels are independent; no
 * channel means plain `exclusive`.
 */
export interface Serial {
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  supersedable<T>(channel: string | undefined, fn: () => Promise<T>): Promise<T>;
}

export function createSerial(): Serial {
  let lock: Promise<unknown> = Promise.resolve();
  const latest = new Map<string, number>();
  let ticket = 0;

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = lock.then(fn, fn);
    lock = run.catch(() => undefined);
    return run;
  }

  function supersedable<T>(channel: string | undefined, fn: () => Promise<T>): Promise<T> {
    if (channel === undefined) return exclusive(fn);
    const mine = ++ticket;
    latest.set(channel, mine);
    return exclusive(() => {
      if (latest.get(channel) !== mine) {
        const e = new Error(`Superseded by a newer ${channel} request`);
        e.name = 'CancelledError';
        return Promise.reject(e);
      }
      return fn();
    });
  }

  return { exclusive, supersedable };
}
