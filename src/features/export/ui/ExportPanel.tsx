import { useEffect, useMemo } from 'react';
import { describePipeline, layerSpec } from '../../compress';
import { formatBits, formatInt, formatPercent } from '../../../platform/shared/format';
import { serializeConfig } from '../../../platform/shared/url';
import type { Config } from '../../../platform/shared/config';
import {
  selectEvaluation,
  selectPruneSweep,
  selectPruneSweepCurrent,
  selectQuantEvaluation,
  selectQuantEvaluationCurrent,
  selectReport,
  selectReportCurrent,
  selectSensitivity,
  selectSummary,
  selectSweep,
  selectSweepCurrent,
} from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import { Fresh } from '../../../platform/ui/Fresh';
import { downloadBlob, downloadText } from '../../../platform/ui/charts/download';
import { SIDECAR_FILE } from '../shared/sidecar';
import { useUploads } from '../../upload/state';
import type { UploadedModelInfo } from '../../upload/store';
import { MANIFEST_FILE, MODEL_FILE, WEIGHTS_FILE, plannedFileBytes } from '../shared/modelExport';
import type { ExportFile } from '../shared/modelExport';
import { planKernel, sidecarLabel, storedLabel } from '../shared/plan';
import {
  bitSweepFiles,
  currentResultFiles,
  experimentsFiles,
  sensitivityFiles,
  sparsitySweepFiles,
} from '../shared/results';
import type { ResultFiles } from '../shared/results';
import {
  exportKey,
  requestWeightsOnly,
  runModelExport,
  useExport,
  weightsOnlyKey,
} from '../state/exportState';
import './export.css';

/**
 * The Export panel (Quantize and Prune & cluster tabs): the compressed model as TF.js files that
 * stock `tf.loadLayersModel` loads, with a table of how each layer is stored in them; and the
 * results (current evaluation, sweeps, this session's configurations) as CSV and JSON.
 */
export function ExportPanel() {
  const summary = useStore(selectSummary);
  if (!summary) return null;
  return (
    <section className="panel export-panel" aria-labelledby="export-heading">
      <h2 id="export-heading">Export</h2>
      <div className="export-grid">
        <ModelExport />
        <ResultsExport />
      </div>
    </section>
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function saveFile(f: ExportFile): void {
  const blob =
    f.kind === 'json'
      ? new Blob([f.text], { type: 'application/json' })
      : new Blob([f.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  downloadBlob(f.name, blob);
}

/** Saves the files one after another (browsers drop downloads started in the same instant). */
async function saveAll(files: readonly ExportFile[]): Promise<void> {
  for (const [i, f] of files.entries()) {
    if (i > 0) await sleep(300);
    saveFile(f);
  }
}

/** A layer's row of the table, from the plan the worker follows (plan.ts). */
interface PlannedRow {
  readonly layer: string;
  readonly stored: string;
  readonly sidecar: string | null;
  readonly why: string;
  readonly fileBytes: number;
  readonly trueBits: number | null;
}

const product = (shape: readonly number[] | null) => (shape ? shape.reduce((a, b) => a * b, 1) : 0);

const shape = (s: readonly number[] | null) => (s ? `[${s.join(', ')}]` : 'its declared');

/** What the files of an uploaded model are, and what loads them. */
function UploadedNote({ info }: { info: UploadedModelInfo }) {
  if (info.kind === 'layers' && info.evaluation !== 'none')
    return (
      <p className="small" data-testid="export-what">
        Stock <code>tf.loadLayersModel</code> loads them: {info.name} with its own layer names and
        its {shape(info.inputShape)} inputs, as a Sequential model (the input adapter the labs add
        is not written). Put the files in one folder and load <code>{MODEL_FILE}</code>.
      </p>
    );
  if (info.kind === 'graph')
    return (
      <p className="small" data-testid="export-what">
        <code>tf.loadGraphModel</code> loads <code>{MODEL_FILE}</code>: the uploaded graph
        unchanged, its weights replaced by the compressed ones. Tensors the labs do not compress
        (integer constants, scalars) are written as uploaded.
      </p>
    );
  return (
    <p className="small" data-testid="export-what">
      A weights manifest (<code>{MANIFEST_FILE}</code>, read by <code>tf.io.loadWeights</code>) and{' '}
      <code>{WEIGHTS_FILE}</code>: every tensor in the uploaded order, the compressed ones
      compressed, the others as uploaded. No topology is written:{' '}
      {info.kind === 'weights'
        ? 'the upload had none.'
        : 'the labs could not rebuild this model’s layers.'}
    </p>
  );
}

function ModelExport() {
  const config = useStore((s) => s.config);
  const upload = useUploads((s) => s.models.find((m) => m.id === config.uploaded) ?? null);
  const summary = useStore(selectSummary)!;
  const report = useStore(selectReport);
  const quant = useStore(selectQuantEvaluation);
  const quantCurrent = useStore(selectQuantEvaluationCurrent);
  const model = useExport((s) => s.model);
  const weightsOnly = useExport((s) => s.weightsOnly);
  const key = exportKey(config);
  const done = model?.key === key ? model : null;
  const actsOn = config.acts.bits > 0;
  const total = summary.dataset.test.count;
  const quantFull = quantCurrent && quant !== null && quant.count === total;

  // Activations quantized: the files get the weights-only accuracy; measure it once the labs'
  // own full evaluation is in (so it does not slow the headline down).
  useEffect(() => {
    if (actsOn && quantFull) requestWeightsOnly(useStore.getState().config);
  }, [actsOn, quantFull, key]);
  const wo = actsOn && weightsOnly?.key === weightsOnlyKey(config) ? weightsOnly : null;

  const rows = useMemo((): PlannedRow[] => {
    const pruning = config.prune.method !== 'none';
    return summary.layers.map((l, i) => {
      const name = l.info.name;
      const spec = layerSpec(config, name);
      const clustered = config.weights.format === 'cluster' && config.overrides[name] === undefined;
      const pruned = pruning && (report?.layers[i]?.pruned ?? 0) > 0;
      const plan = planKernel({ spec, clustered, pruned });
      const perChannel = 'perChannel' in spec && spec.perChannel;
      return {
        layer: name,
        stored: storedLabel(plan.stored, plan.sidecar !== null),
        sidecar: sidecarLabel(plan, { perChannel, pruned, clusters: config.cluster.k }),
        why: plan.why,
        fileBytes: plannedFileBytes(plan, product(l.info.kernelShape), product(l.info.biasShape)),
        trueBits: report?.size.layers[i]?.total ?? null,
      };
    });
  }, [config, summary, report]);
  const fileBytes = rows.reduce((a, r) => a + r.fileBytes, 0);
  const sidecarNeeded = rows.some((r) => r.sidecar !== null);
  const working = model?.status === 'working';

  return (
    <div className="export-model">
      <h3>Model as TF.js files</h3>
      {upload ? (
        <UploadedNote info={upload} />
      ) : (
        <p className="small">
          Stock <code>tf.loadLayersModel</code> loads them. Put the files in one folder and load{' '}
          <code>{MODEL_FILE}</code>; it finds <code>{WEIGHTS_FILE}</code> beside it.
        </p>
      )}
      {sidecarNeeded && (
        <p className="small">
          {SIDECAR_FILE} keeps what TF.js cannot store (codes at their true width, masks, codebooks,
          per-channel scales).
        </p>
      )}
      {upload && upload.evaluation !== 'dataset' ? (
        <p className="small muted" data-testid="export-accuracy">
          {upload.evaluation === 'fidelity'
            ? 'The files hold the compressed model whose fidelity is shown beside the model picker: each weight decodes to exactly the value measured here.'
            : 'Not evaluated (weights only): each compressed weight decodes to exactly the value the labs show.'}
          {actsOn ? ' Activation quantization is not in the files: TF.js cannot store it.' : ''}
        </p>
      ) : actsOn ? (
        <p className="export-note small" data-testid="export-accuracy">
          Activations are quantized here (A{config.acts.bits}). A TF.js layers model cannot quantize
          activations, so the files hold the weights-only pipeline, activations float32. Its
          accuracy:{' '}
          {wo?.evaluation ? (
            <strong>
              {formatPercent(wo.evaluation.accuracy)} ({formatInt(wo.evaluation.correct)} /{' '}
              {formatInt(wo.evaluation.count)} correct)
            </strong>
          ) : wo?.error ? (
            `not measured (${wo.error})`
          ) : (
            'measuring…'
          )}
        </p>
      ) : (
        <p className="small muted" data-testid="export-accuracy">
          The files give the accuracy shown above
          {quantFull ? ` (${formatInt(quant.correct)} / ${formatInt(quant.count)} correct)` : ''}:
          each weight decodes to exactly the value evaluated here.
        </p>
      )}
      <div className="export-actions">
        <button
          type="button"
          className="primary"
          disabled={working}
          onClick={() => {
            void runModelExport(useStore.getState().config).then((files) => {
              if (files) void saveAll(files);
            });
          }}
        >
          {working ? 'Writing the files…' : 'Download model (TF.js)'}
        </button>
      </div>
      <p className="small export-status" role="status" data-testid="export-status">
        {done?.status === 'done' && done.report
          ? `Saved ${done.report.files.length} files: ${done.report.files
              .map((f) => `${f.name} (${formatBits(8 * f.bytes)})`)
              .join(', ')}. ${
              done.report.exact
                ? 'Every tensor decodes bit for bit to the weights evaluated here.'
                : 'Some tensor does not decode exactly: see the table.'
            }`
          : done?.status === 'error'
            ? `Could not write the files: ${done.error}`
            : ''}
      </p>
      {done?.status === 'done' && done.files && (
        <p className="small export-again">
          Save one again:{' '}
          {done.files.map((f) => (
            <button key={f.name} type="button" className="export-file" onClick={() => saveFile(f)}>
              {f.name}
            </button>
          ))}
        </p>
      )}
      <Fresh select={selectReportCurrent} className="table-wrap" data-testid="export-table">
        <table className="export-table">
          <caption>
            How each layer is stored. File: kernel and bias in {WEIGHTS_FILE}. True size: every bit
            the compressed layer needs here (codes, indices, scales, bias).
          </caption>
          <thead>
            <tr>
              <th scope="col">Layer</th>
              <th scope="col">In {WEIGHTS_FILE}</th>
              <th scope="col">In {SIDECAR_FILE}</th>
              <th scope="col" className="num">
                File
              </th>
              <th scope="col" className="num">
                True size
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.layer}>
                <th scope="row">{r.layer}</th>
                <td>
                  {r.stored}
                  {r.why && <span className="export-why">{r.why}</span>}
                </td>
                <td>{r.sidecar ?? '—'}</td>
                <td className="num">{formatBits(8 * r.fileBytes)}</td>
                <td className="num">{r.trueBits === null ? '…' : formatBits(r.trueBits)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td colSpan={2}>
                {report
                  ? `${WEIGHTS_FILE} is ${(8 * fileBytes) / report.size.totalBits >= 1.05 ? `${((8 * fileBytes) / report.size.totalBits).toFixed(1)}×` : 'about'} the true size`
                  : ''}
              </td>
              <td className="num">{formatBits(8 * fileBytes)}</td>
              <td className="num">{report ? formatBits(report.size.totalBits) : '…'}</td>
            </tr>
          </tfoot>
        </table>
      </Fresh>
      {done?.report?.layers.some((l) => l.fallback) && (
        <p className="small export-note">
          Written as float32 instead of the planned format (it did not decode bit for bit):{' '}
          {done.report.layers
            .filter((l) => l.fallback)
            .map((l) => l.layer)
            .join(', ')}
          .
        </p>
      )}
    </div>
  );
}

/** The link that opens `config` in this app. */
function configLink(config: Config): string {
  return `${location.origin}${location.pathname}#${serializeConfig(config)}`;
}

interface ResultItem {
  readonly id: string;
  readonly label: string;
  readonly note: string;
  readonly files: (() => ResultFiles) | null;
}

function ResultsExport() {
  const config = useStore((s) => s.config);
  const summary = useStore(selectSummary)!;
  const base = useStore(selectEvaluation);
  const quant = useStore(selectQuantEvaluation);
  const quantCurrent = useStore(selectQuantEvaluationCurrent);
  const report = useStore(selectReport);
  const reportCurrent = useStore(selectReportCurrent);
  const sweep = useStore(selectSweep);
  const sweepCurrent = useStore(selectSweepCurrent);
  const sensitivity = useStore(selectSensitivity);
  const pruneSweep = useStore(selectPruneSweep);
  const pruneSweepCurrent = useStore(selectPruneSweepCurrent);
  const experiments = useStore((s) => s.experiments);
  const weightsOnly = useExport((s) => s.weightsOnly);

  const total = summary.dataset.test.count;
  const items: ResultItem[] = [];
  const ctx = () => ({
    model: summary.id,
    pipeline: describePipeline(config),
    link: configLink(config),
    savedAt: new Date().toISOString(),
  });
  const full = quantCurrent && quant !== null && quant.count === total;
  const wo =
    config.acts.bits > 0 && weightsOnly?.key === weightsOnlyKey(config)
      ? weightsOnly.evaluation
      : null;
  items.push({
    id: 'current',
    label: 'Current evaluation',
    note: full
      ? `${formatInt(quant.correct)} / ${formatInt(quant.count)} correct, sizes, pipeline, link: 1 row`
      : 'waiting for the full test set…',
    files:
      full && reportCurrent && report
        ? () =>
            currentResultFiles({
              model: summary.id,
              dataset: summary.dataset.id,
              pipeline: describePipeline(config),
              accuracy: quant.accuracy,
              correct: quant.correct,
              total: quant.count,
              weightsOnlyAccuracy: wo ? wo.accuracy : null,
              float32Accuracy: base && base.count === total ? base.accuracy : null,
              sizeBits: report.size.totalBits,
              float32Bits: report.size.float32Bits,
              sparsity: report.sparsity,
              activationBits: config.acts.bits,
              link: configLink(config),
              savedAt: new Date().toISOString(),
            })
        : null,
  });
  if (sweep && sweepCurrent) {
    const n = sweep.points.filter((p) => p.weightOnly !== null).length;
    items.push({
      id: 'bit-sweep',
      label: 'Accuracy vs weight bits',
      note: `${n} widths${sweep.done ? '' : ', still running'}, weights only and with A${sweep.actBits}`,
      files: () => bitSweepFiles(sweep, ctx()),
    });
  }
  if (sensitivity) {
    items.push({
      id: 'sensitivity',
      label: 'Per-layer sensitivity',
      note: `${sensitivity.rows.length} layers × ${sensitivity.candidates.length} widths${sensitivity.done ? '' : ', still running'}`,
      files: () => sensitivityFiles(sensitivity, ctx()),
    });
  }
  if (pruneSweep && pruneSweepCurrent) {
    items.push({
      id: 'sparsity-sweep',
      label: 'Accuracy vs sparsity',
      note: `${pruneSweep.points.length} sparsities × ${pruneSweep.methods.length} methods${pruneSweep.done ? '' : ', still running'}`,
      files: () => sparsitySweepFiles(pruneSweep, ctx()),
    });
  }
  if (experiments.length > 0) {
    items.push({
      id: 'session',
      label: 'Configurations measured this session',
      note: `${experiments.length} ${experiments.length === 1 ? 'row' : 'rows'}: accuracy and size of each`,
      files: () => experimentsFiles(experiments, { savedAt: new Date().toISOString() }),
    });
  }

  return (
    <div className="export-results">
      <h3>Results as CSV and JSON</h3>
      <p className="small muted">
        Accuracies as fractions of the test set, sizes in bits; each JSON also holds the pipeline
        and a link to these settings.
      </p>
      <ul className="export-list">
        {items.map((it) => (
          <li key={it.id} data-testid={`export-${it.id}`}>
            <span className="export-item">
              <span className="export-item-label">{it.label}</span>
              <span className="small muted">{it.note}</span>
            </span>
            <span className="export-buttons">
              {(['csv', 'json'] as const).map((format) => (
                <button
                  key={format}
                  type="button"
                  className="export-file"
                  disabled={!it.files}
                  aria-label={`Download ${it.label.toLowerCase()} as ${format.toUpperCase()}`}
                  onClick={() => {
                    const f = it.files?.();
                    if (!f) return;
                    if (format === 'csv') downloadText(`${f.baseName}.csv`, f.csv, 'text/csv');
                    else downloadText(`${f.baseName}.json`, f.json, 'application/json');
                  }}
                >
                  {format.toUpperCase()}
                </button>
              ))}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
