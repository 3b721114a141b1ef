import { memo, useDeferredValue, useMemo } from 'react';
import { SWEEP_BITS } from '../state/jobs';
import {
  selectEvaluation,
  selectSweep,
  selectSweepCurrent,
  selectTestCount,
} from '../../../platform/state/selectors';
import type { State } from '../../../platform/state/store';
import { useStore } from '../../../platform/state/store';
import { formatPercent } from '../../../platform/shared/format';
import { LineChart, XMarker, useBaseline } from '../../../platform/ui/charts/LineChart';
import type { LineSeries, PlotGeometry } from '../../../platform/ui/charts/LineChart';
import { bitSweepCaption, referencesCaption } from '../../compress/ui';
import { useDim } from '../../../platform/ui/useDim';
import { EstimatesNote } from '../../../platform/ui/charts/EstimatesNote';
import { JobControl } from '../../../platform/ui/JobControl';
import { sweepKey } from '../../../platform/state/keys';

const X_DOMAIN = [1, 8] as const;
const X_TICKS = [...SWEEP_BITS].reverse();
/** 2, 4 and 8 bits are drawn bold: the widths real hardware and toolkits use. */
const MARKED_BITS = [2, 4, 8];
const Y_DOMAIN = [0, 100] as const;

const selectPruned = (s: State) => s.config.prune.method !== 'none';
const selectCaption = (s: State) => bitSweepCaption(s.config);
const selectReferencesCaption = (s: State) => referencesCaption(s.config);
const selectSweepKey = (s: State) => sweepKey(s.config);

/** A point of a curve: the whole test set's accuracy, else its estimate (drawn as such), in %. */
const point = (x: number, whole: number | null, estimate: number | undefined) =>
  whole !== null
    ? { x, y: whole * 100 }
    : estimate !== undefined
      ? { x, y: estimate * 100, estimate: true }
      : { x, y: null };

/** Accuracy against bit-width for the current scheme: weight-only PTQ and weights + activations. */
export function SweepChart() {
  // Deferred + memoized view: new results draw in an interruptible background render.
  const sweep = useDeferredValue(useStore(selectSweep));
  const current = useDeferredValue(useStore(selectSweepCurrent));
  const base = useDeferredValue(useStore(selectEvaluation));
  // Strings and a flag: none of them changes while the bit-width slider moves, so a drag does not
  // redraw the chart; the current bit-width is a marker that subscribes by itself.
  const caption = useStore(selectCaption);
  const referencesNote = useStore(selectReferencesCaption);
  const pruned = useStore(selectPruned);
  const testCount = useStore(selectTestCount);
  return (
    <SweepChartView
      sweep={sweep}
      current={current}
      base={base}
      caption={caption}
      referencesNote={referencesNote}
      pruned={pruned}
      testCount={testCount}
    />
  );
}

const SweepChartView = memo(function SweepChartView({
  sweep,
  current,
  base,
  caption,
  referencesNote,
  pruned,
  testCount,
}: {
  sweep: ReturnType<typeof selectSweep>;
  current: boolean;
  base: ReturnType<typeof selectEvaluation>;
  caption: string;
  referencesNote: string;
  pruned: boolean;
  testCount: number | null;
}) {
  const series = useMemo((): LineSeries[] => {
    const points = [...(sweep?.points ?? [])].sort((a, b) => a.bits - b.bits);
    // Where activations barely matter the two curves coincide: W+A is drawn second, dashed and
    // with hollow squares, so the solid weights-only line and its dots show through it.
    return [
      {
        key: 'weightOnly',
        name: 'weights only (W·A32)',
        color: '#3b6fd8',
        points: points.map((p) => point(p.bits, p.weightOnly, p.weightOnlyEstimate)),
      },
      {
        key: 'weightAct',
        name: `weights + activations (W·A${sweep?.actBits ?? 8})`,
        color: '#c2255c',
        dash: '6 4',
        marker: 'square',
        points: points.map((p) => point(p.bits, p.weightAct, p.weightActEstimate)),
      },
    ];
  }, [sweep]);
  // The baseline is the trained model: say "unpruned" when the curves are of a pruned one.
  const hLines = useBaseline(base?.accuracy ?? null, pruned ? 'float32 unpruned' : 'float32');
  const dim = useDim(current);
  const done = current && (sweep?.done ?? false);
  const estimating =
    sweep?.estimatedOn !== undefined &&
    sweep.points.some(
      (p) => p.weightOnlyEstimate !== undefined || p.weightActEstimate !== undefined,
    );
  return (
    <section className="panel" aria-label="Accuracy versus bit-width">
      <h2>Accuracy vs bit-width</h2>
      <div
        className={dim ? 'chart stale' : 'chart'}
        data-current={current}
        data-testid="sweep-chart"
        data-points={sweep?.points.length ?? 0}
        data-done={done ? 'true' : 'false'}
      >
        <LineChart
          title="Accuracy vs weight bits"
          xDomain={X_DOMAIN}
          xTicks={X_TICKS}
          xMarked={MARKED_BITS}
          xLabel="weight bits (1 = binary)"
          formatX={String}
          describeX={(b) => `${b} bit${b === 1 ? ' (binary)' : 's'}`}
          yDomain={Y_DOMAIN}
          formatY={(v) => `${Math.round(v)}%`}
          describeY={(v) => formatPercent(v / 100)}
          series={series}
          hLines={hLines}
          Overlay={CurrentBitsMarker}
        />
      </div>
      <p className="muted small" data-testid="sweep-caption">
        {caption}
      </p>
      {estimating && (
        <EstimatesNote on={sweep!.estimatedOn!} of={testCount} testId="sweep-estimates" />
      )}
      <JobControl name="sweep" keyOf={selectSweepKey} what="bit-width sweep" />
      <p className="small" data-testid="sweep-references">
        {referencesNote} float16{' '}
        {sweep?.references.float16 !== undefined ? formatPercent(sweep.references.float16) : '…'},
        bfloat16{' '}
        {sweep?.references.bfloat16 !== undefined ? formatPercent(sweep.references.bfloat16) : '…'}
        {base ? `; float32 ${formatPercent(base.accuracy)}${pruned ? ' (unpruned)' : ''}` : ''}.
      </p>
    </section>
  );
});

/** The configured integer bit-width (null for float and clustered weights). */
const selectIntBits = (s: State) =>
  s.config.weights.format === 'int' ? s.config.weights.bits : null;
const selectMixed = (s: State) => Object.keys(s.config.overrides).length > 0;

/** The configured weight bit-width, as a vertical line in the chart's x scale. */
function CurrentBitsMarker({ g }: { g: PlotGeometry }) {
  const bits = useStore(selectIntBits);
  const mixed = useStore(selectMixed);
  if (bits === null) return null;
  return (
    <XMarker
      g={g}
      x={bits}
      className="current-bits"
      label={`${mixed ? 'global: ' : 'now: '}${bits} bit${bits === 1 ? '' : 's'}`}
    />
  );
}
