import { useMemo, useState } from 'react';
import { proposeMixedPrecision } from '../../compress';
import { layerSize, weightSpec } from '../../compress';
import { SENSITIVITY_BITS } from '../state/jobs';
import { sensitivityKey } from '../../../platform/state/keys';
import { selectSensitivity, selectSummary } from '../../../platform/state/selectors';
import type { State } from '../../../platform/state/store';
import { useStore } from '../../../platform/state/store';
import { formatBits, formatInt } from '../../../platform/shared/format';
import { SensitivityBars } from './SensitivityBars';
import { JobControl } from '../../../platform/ui/JobControl';
import { sensitivityCaption } from '../../compress/ui';

const selectCaption = (s: State) => sensitivityCaption(s.config, SENSITIVITY_BITS);
/** The analysis the user asked for, if it is for the current settings. */
const selectRequestKey = (s: State) =>
  s.sensitivityRequest !== '' && s.sensitivityRequest === sensitivityKey(s.config)
    ? s.sensitivityRequest
    : null;

/**
 * Quantize one layer at a time (the others stay float32), measure the accuracy drop, then pick
 * per-layer bit-widths that meet a size budget while losing the least accuracy.
 */
export function SensitivityPanel() {
  const summary = useStore(selectSummary);
  const sensitivity = useStore(selectSensitivity);
  const running = useStore((s) => s.busy.has('sensitivity'));
  const weights = useStore((s) => s.config.weights);
  const seed = useStore((s) => s.config.seed);
  const request = useStore((s) => s.requestSensitivity);
  const replaceOverrides = useStore((s) => s.replaceOverrides);
  const setWeightQuant = useStore((s) => s.setWeightQuant);
  const caption = useStore(selectCaption);
  const [targetRatio, setTargetRatio] = useState(6);

  const proposal = useMemo(() => {
    if (!summary || !sensitivity?.done) return null;
    const reference = sensitivity.reference;
    const layers = summary.layers.map((l) => {
      const row = sensitivity.rows.find((r) => r.layer === l.info.name);
      return {
        name: l.info.name,
        sizeBits: (bits: number) => layerSize(weightSpec(weights, bits, seed), l.info).totalBits,
        drop: (bits: number) => reference - (row?.accuracy[bits] ?? reference),
      };
    });
    const target = summary.float32Bits / targetRatio;
    return { target, ...proposeMixedPrecision(layers, SENSITIVITY_BITS, target) };
  }, [summary, sensitivity, targetRatio, weights, seed]);

  if (!summary) return null;
  return (
    <section className="panel" aria-label="Sensitivity analysis">
      <h2>Sensitivity analysis and mixed precision</h2>
      <p className="muted small">{caption}</p>
      <button
        type="button"
        className="primary"
        disabled={running}
        onClick={() => request(sensitivityKey(useStore.getState().config))}
      >
        {running ? 'Measuring…' : sensitivity?.done ? 'Measure again' : 'Run sensitivity analysis'}
      </button>
      <JobControl
        name="sensitivity"
        keyOf={selectRequestKey}
        what="sensitivity analysis"
        running="Layer by layer, 4 bit-widths each…"
      />
      {sensitivity && (
        <SensitivityBars
          rows={sensitivity.rows}
          bits={SENSITIVITY_BITS}
          baseline={sensitivity.reference}
          done={sensitivity.done}
        />
      )}
      {proposal && (
        <div className="proposal" data-testid="mixed-proposal">
          <label className="field inline">
            <span>Target: {targetRatio}× smaller than float32</span>
            <input
              type="range"
              min={2}
              max={16}
              step={1}
              value={targetRatio}
              aria-label="Target compression ratio"
              onChange={(e) => setTargetRatio(Number(e.target.value))}
            />
          </label>
          <p>
            Proposal ({formatBits(proposal.totalBits)}, budget {formatBits(proposal.target)}):{' '}
            <strong>
              {Object.entries(proposal.assignment)
                .map(([n, b]) => `${n}: ${b} b`)
                .join(', ')}
            </strong>
            . Predicted drop {(proposal.predictedDrop * 100).toFixed(2)} pts (sum of the
            single-layer drops; applying it measures the real one).
            {!proposal.feasible &&
              ' The budget cannot be met with these bit-widths: this is the smallest assignment.'}
          </p>
          <button
            type="button"
            onClick={() => {
              setWeightQuant({ format: 'int' });
              replaceOverrides(proposal.assignment);
            }}
          >
            Apply as per-layer bit-widths
          </button>
          <span className="muted small">
            {' '}
            {formatInt(Object.keys(proposal.assignment).length)} layers
          </span>
        </div>
      )}
    </section>
  );
}
