import type { Remote } from 'comlink';
import { create } from 'zustand';
import { modelArch } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { layerErrorsKey } from '../../../platform/state/keys';
import { useStore } from '../../../platform/state/store';
import type { EngineApi, Evaluation } from '../../../platform/worker/engine';
import { createEngineClient } from '../../../platform/worker/workers';
import type { EngineClient } from '../../../platform/worker/workers';
import { compressSettings } from '../../compress';
import type { ExportFile, ModelExportReport } from '../shared/modelExport';

/**
 * The Export panel's state: the last model export and, when the app quantizes activations, the
 * weights-only accuracy (what the exported files get). Both come from a compute worker of the
 * export's own, started on first use, so an export never waits behind the labs' sweeps and
 * never holds the labs' model lock.
 */

let client: EngineClient | null = null;
let ready: Promise<unknown> | null = null;

/** Calls the export's worker, starting it (and its backend) on first use. */
async function call<T>(fn: (api: Remote<EngineApi>) => Promise<T>): Promise<T> {
  client ??= createEngineClient((message) =>
    useStore
      .getState()
      .addNotice('error', `The export worker stopped (${message}); it was restarted.`),
  );
  const c = client;
  ready ??= c.call((api) => api.init());
  try {
    await ready;
  } catch (e) {
    ready = null;
    throw e;
  }
  return c.call(fn);
}

/** The export's inputs: the model and its compressed weights (activations are not exported). */
export const exportKey = (c: Config): string =>
  `${layerErrorsKey(c)}|${c.acts.bits > 0 ? 'acts-dropped' : 'acts-float'}`;

/** The weights-only evaluation's inputs. */
export const weightsOnlyKey = (c: Config): string => layerErrorsKey(c);

export interface ModelExportState {
  readonly key: string;
  readonly status: 'working' | 'done' | 'error';
  readonly report: ModelExportReport | null;
  readonly files: readonly ExportFile[] | null;
  readonly error: string | null;
}

export interface WeightsOnlyState {
  readonly key: string;
  readonly evaluation: Evaluation | null;
  readonly error: string | null;
}

interface ExportStore {
  model: ModelExportState | null;
  weightsOnly: WeightsOnlyState | null;
}

export const useExport = create<ExportStore>()(() => ({ model: null, weightsOnly: null }));

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Writes the export of `config`'s model in the worker. Resolves with its files, or null if it
 * failed (the state says why) or the config moved on meanwhile.
 */
export async function runModelExport(config: Config): Promise<readonly ExportFile[] | null> {
  const key = exportKey(config);
  useExport.setState({
    model: { key, status: 'working', report: null, files: null, error: null },
  });
  try {
    const out = await call((api) =>
      api.exportModel(config.dataset, modelArch(config), {
        weights: compressSettings(config),
        acts: config.acts.bits > 0 ? config.acts : null,
      }),
    );
    if (useExport.getState().model?.key !== key) return null;
    useExport.setState({
      model: { key, status: 'done', report: out.report, files: out.files, error: null },
    });
    return out.files;
  } catch (e) {
    if (useExport.getState().model?.key === key) {
      useExport.setState({
        model: { key, status: 'error', report: null, files: null, error: message(e) },
      });
    }
    return null;
  }
}

/** Evaluates `config`'s weights with float activations on the full test set, once per key. */
export function requestWeightsOnly(config: Config): void {
  const key = weightsOnlyKey(config);
  if (useExport.getState().weightsOnly?.key === key) return;
  useExport.setState({ weightsOnly: { key, evaluation: null, error: null } });
  call((api) =>
    api.evaluate(config.dataset, modelArch(config), {
      weights: compressSettings(config),
      acts: null,
    }),
  ).then(
    (evaluation) => {
      if (useExport.getState().weightsOnly?.key === key)
        useExport.setState({ weightsOnly: { key, evaluation, error: null } });
    },
    (e: unknown) => {
      if (useExport.getState().weightsOnly?.key === key)
        useExport.setState({ weightsOnly: { key, evaluation: null, error: message(e) } });
    },
  );
}
