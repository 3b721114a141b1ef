import type { EngineClient, StatsClient } from '../platform/worker/workers';
import type { EvalRequest, Evaluation } from '../platform/worker/engine';

/**
 * A fake compute worker for the jobs' tests: it records every evaluation it is asked for and
 * answers each with an accuracy of its own (the call's number, {@link accuracyOf}), so a test
 * can tell which evaluation each emitted value came from. The stats worker refuses all calls.
 */

export interface EvalCall {
  readonly dataset: string;
  readonly arch: string;
  readonly request: EvalRequest;
  readonly limit: number | undefined;
  readonly channel: string | undefined;
  readonly offset?: number | undefined;
}

/** Accuracy the fake answers for the i-th call (0-based): distinct per call. */
export const accuracyOf = (i: number): number => 0.5 + i / 1000;

/**
 * With `testCount`, each answer counts the images its range asks for (`limit`, else the test set
 * from `offset`), of which `accuracyOf(i)` are correct: a joined estimate and rest are exact.
 */
export function recordingEngine(
  onCall: (n: number) => void = () => undefined,
  testCount?: number,
): {
  client: EngineClient;
  stats: StatsClient;
  calls: EvalCall[];
} {
  const calls: EvalCall[] = [];
  const api = {
    evaluate: (
      dataset: string,
      arch: string,
      request: EvalRequest,
      limit?: number,
      channel?: string,
      offset?: number,
    ): Promise<Evaluation> => {
      calls.push({ dataset, arch, request, limit, channel, offset });
      const i = calls.length - 1;
      onCall(calls.length);
      const count = testCount === undefined ? 100 : (limit ?? testCount - (offset ?? 0));
      return Promise.resolve({
        modelId: 'm',
        accuracy: accuracyOf(i),
        correct: testCount === undefined ? 0 : accuracyOf(i) * count,
        count,
        confusion: new Uint32Array(100),
        numClasses: 10,
        ms: 1,
      });
    },
  };
  const client = {
    call: (fn: (a: typeof api) => Promise<unknown>) => fn(api),
  } as unknown as EngineClient;
  const stats = {
    call: () => Promise.reject(new Error('the stats worker is not used here')),
  } as unknown as StatsClient;
  return { client, stats, calls };
}
