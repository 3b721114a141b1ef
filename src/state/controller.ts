import { modelKey } from '../core/config';
import type { EngineClient } from '../worker/client';
import { isCancelled } from '../worker/client';
import { effectiveLayer, evaluationKey, histogramKey } from './keys';
import type { Store } from './store';

/** Size of the quick accuracy estimate shown before the full test set is done. */
export const QUICK_EVAL_COUNT = 1000;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The run controller: watches the config, asks the worker for whatever the current config's
 * results lack, and stores each result under the key it was computed for. A result whose key no
 * longer matches the config is dropped on arrival, so a stale result is never shown as current.
 * Returns an unsubscribe function.
 */
export function startController(store: Store, client: EngineClient): () => void {
  /** Keys already asked for, so one config change sends each request once. */
  const requested = { summary: '', histogram: '', evaluation: '' };

  const fail = (e: unknown) => {
    if (!isCancelled(e)) store.getState().addNotice('error', message(e));
  };

  client
    .call((api) => api.init())
    .then((backend) => {
      store.setState({ backend });
      if (backend.note) store.getState().addNotice('warning', backend.note);
    })
    .catch(fail);

  function requestSummary(key: string): void {
    const { config } = store.getState();
    requested.summary = key;
    store.setState({ loadStatus: 'running' });
    client
      .call((api) => api.describeModel(config.dataset, config.arch))
      .then((summary) => {
        if (modelKey(store.getState().config) !== key) return;
        store.setState({ summary: { key, data: summary }, loadStatus: 'done' });
      })
      .catch((e: unknown) => {
        if (requested.summary === key) requested.summary = '';
        if (modelKey(store.getState().config) === key) store.setState({ loadStatus: 'error' });
        fail(e);
      });
  }

  function requestHistogram(key: string, layer: string): void {
    const { config } = store.getState();
    requested.histogram = key;
    client
      .call((api) => api.layerHistogram(config.dataset, config.arch, layer, config.bins))
      .then((h) => {
        const s = store.getState();
        const current = effectiveLayer(s.config, s.summary?.data ?? null);
        if (current === null || histogramKey(s.config, current) !== key) return;
        store.setState({ histogram: { key, data: h } });
      })
      .catch((e: unknown) => {
        if (requested.histogram === key) requested.histogram = '';
        fail(e);
      });
  }

  async function requestEvaluation(key: string): Promise<void> {
    const { config } = store.getState();
    requested.evaluation = key;
    store.setState({ evalStatus: 'running' });
    const isCurrent = () => evaluationKey(store.getState().config) === key;
    try {
      // Quick estimate on a subset first, then the whole test set.
      const quick = await client.call((api) =>
        api.evaluate(config.dataset, config.arch, QUICK_EVAL_COUNT),
      );
      if (!isCurrent()) return;
      store.setState({ evaluation: { key, data: quick } });
      const full = await client.call((api) => api.evaluate(config.dataset, config.arch));
      if (!isCurrent()) return;
      store.setState({ evaluation: { key, data: full }, evalStatus: 'done' });
    } catch (e) {
      if (requested.evaluation === key) requested.evaluation = '';
      if (isCurrent()) store.setState({ evalStatus: 'error' });
      fail(e);
    }
  }

  function sync(): void {
    const s = store.getState();
    const mk = modelKey(s.config);
    if (s.summary?.key !== mk) {
      if (requested.summary !== mk) requestSummary(mk);
      return; // histogram and accuracy wait for the model
    }
    const layer = effectiveLayer(s.config, s.summary.data);
    if (layer !== null) {
      const hk = histogramKey(s.config, layer);
      if (s.histogram?.key !== hk && requested.histogram !== hk) requestHistogram(hk, layer);
    }
    const ek = evaluationKey(s.config);
    if (requested.evaluation !== ek) void requestEvaluation(ek);
  }

  const unsubscribe = store.subscribe((s, prev) => {
    if (s.config !== prev.config || s.summary !== prev.summary) sync();
  });
  sync();
  return unsubscribe;
}
