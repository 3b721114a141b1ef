import { formatBits, formatInt, formatPercent } from '../../../platform/shared/format';
import {
  selectReport,
  selectReportCurrent,
  selectSummary,
} from '../../../platform/state/selectors';
import { useStore } from '../../../platform/state/store';
import {
  LATENCY_RUNS,
  SWEEP_BATCH_MS,
  SWEEP_IMAGES,
  SPLIT_RUNS,
  SWEEP_LATENCY_RUNS,
  measureSpeed,
  speedKey,
  useSpeed,
} from '../state';
import type { SpeedState } from '../state';
import { TWO_PASSES_NOTE } from '../shared/plan';
import type { KernelPath } from '../shared/plan';
import './speed.css';

/** Milliseconds as ms, or µs below one. */
function ms(v: number): string {
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 1) return `${v.toFixed(1)} ms`;
  return `${(v * 1000).toFixed(0)} µs`;
}
const perSecond = (v: number) => `${formatInt(Math.round(v))} images/s`;
/** The kernels' instruction set, as the panel names it. */
const pathName = (p: KernelPath) => (p === 'simd128' ? 'SIMD128' : 'relaxed SIMD');
/** The same, at the start of a sentence. */
const PathName = (p: KernelPath) => (p === 'simd128' ? 'SIMD128' : 'Relaxed SIMD');
const times = (v: number) => `${v >= 10 ? v.toFixed(0) : v.toFixed(1)}×`;

/**
 * The Quantize tab's Speed panel: on click, the current configuration run as integers on the
 * WebAssembly kernels (accuracy, and how many predictions differ from the float path), then the
 * float32 model and the integer model timed side by side, next to their sizes.
 */
export function SpeedPanel() {
  const summary = useStore(selectSummary);
  const config = useStore((s) => s.config);
  const report = useStore(selectReport);
  const sizeCurrent = useStore(selectReportCurrent);
  const speed = useSpeed((s) => s.speed);
  if (!summary) return null;
  const current = speed !== null && speed.key === speedKey(config);
  const busy =
    speed?.status === 'waiting' ||
    speed?.status === 'evaluating' ||
    speed?.status === 'timing' ||
    speed?.status === 'sweeping';
  const size = sizeCurrent ? (report?.size ?? null) : null;
  return (
    <section className="panel speed-panel" aria-labelledby="speed-heading">
      <div className="panel-head">
        <h2 id="speed-heading">Speed</h2>
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void measureSpeed(config)}
        >
          {busy ? 'Measuring…' : 'Measure speed'}
        </button>
      </div>
      <p className="small muted">
        Runs the float32 model (tfjs) and this configuration as integers (WebAssembly) on this
        device, one after the other, once the labs are idle. Nothing is timed until you click.
      </p>
      <p className="small" role="status" data-testid="speed-status">
        {statusText(speed, current)}
      </p>
      {speed && (speed.evaluation || speed.report) && (
        <div
          className={current ? undefined : 'stale'}
          data-current={current}
          data-testid="speed-result"
        >
          <SpeedTable speed={speed} size={size} testCount={summary.dataset.test.count} />
          {speed.evaluation && (
            <p className="small" data-testid="speed-agreement">
              Integer accuracy {formatPercent(speed.evaluation.accuracy)} (
              {formatInt(speed.evaluation.correct)} / {formatInt(speed.evaluation.count)}; float
              path {formatInt(speed.evaluation.floatCorrect)}).{' '}
              {speed.evaluation.differing === 0
                ? 'Every prediction equals the fake-quant float path’s.'
                : `${formatInt(speed.evaluation.differing)} of ${formatInt(speed.evaluation.count)} predictions differ from the fake-quant float path’s.`}
            </p>
          )}
          {speed.sweep && (
            <BitSweep
              sweep={speed.sweep}
              bits={config.weights.format === 'int' ? config.weights.bits : null}
              path={speed.sweep[0]?.point.path ?? null}
              runsOn={speed.report?.path ?? null}
            />
          )}
          {speed.evaluation && speed.evaluation.approximations.length > 0 && (
            <div className="small speed-approx">
              Not integer in the float path, so the runs differ beyond rounding:
              <ul>
                {speed.evaluation.approximations.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
      <details className="speed-notes">
        <summary>What is measured, and when fewer bits run faster</summary>
        <p className="small">
          Integer path: uint8 activations and int8 weights, exact int32 sums, one fixed-point
          multiply per output into the next layer’s codes, one thread. Two builds of the same
          kernels: WebAssembly SIMD128, which runs in every browser (<code>i32x4.dot_i16x8_s</code>:
          8 multiply-adds per instruction on codes widened to 16 bits, against 4 for float32), and
          relaxed SIMD where the browser has it (Chrome, Edge, Firefox 146+; not Safari):{' '}
          <code>i32x4.relaxed_dot_i8x16_i7x16_add_s</code>, 16 multiply-adds of 8-bit codes per
          instruction. The app checks the relaxed build’s sums against exact ones before using it.
          On SIMD128, a 5×5 convolution with whole 2×2 output tiles and input channels in eights
          (the CNNs’ second) runs as Winograd’s F(2×2, 5×5): its 6×6 input windows and its weights
          are transformed with small integer matrices, so that each tile and input channel takes 36
          multiplies (37 with 8-bit weights, whose products need one split) where the direct
          convolution takes 100; the transforms cost adds and shifts, and the sums come out the
          direct ones exactly. The float32 path convolves directly, so part of the integer path’s
          speed-up on the CNNs comes from that algorithm, not from the integers. The float32 path is
          the app’s tfjs backend with the threads it reports; with one thread, its convolutions, and
          its dense layers over 16 images or more at once, run on the app’s own float32 WebAssembly
          kernels (faster here than tfjs’s), whose output is tfjs’s to the bit; where enough of a
          layer’s inputs are 0 they also leave those out (a dense layer’s that are 0 in both images
          of a pair, a convolution’s in the windows of both output pixels of a pair), and a layer
          with at most half its weights nonzero (pruned, or quantized to 2 or 3 bits, where most
          weights round to 0: the accuracy of such a configuration, not the float32 model timed
          here) runs over its nonzero weights alone; neither changes a bit of the output.
        </p>
        <p className="small">
          The integer kernels leave out inputs that are 0: a pair (SIMD128) or group of four
          (relaxed SIMD) of a layer’s inputs that is 0 in all the rows the kernel takes at once (in
          a dense layer two images on SIMD128, four on relaxed SIMD; four output pixels in a
          convolution) adds nothing to their sums, so it is skipped, and the sums stay exact. So the
          integer time depends on the images too, not only on the model: MNIST’s background pixels
          and a ReLU’s inactive units are such zeros. A run over many images (the test set here)
          takes them in an order that puts images with zeros in the same places side by side, so
          more is left out: 84% of Fashion-MNIST’s test-set pixel pairs are nonzero in at least one
          of four consecutive images, 63% in that order (MNIST’s: 42% and 32%); in one of two, 72%
          and 60% (MNIST’s: 33% and 27%). Each image’s result is the same in any order; a single
          image (the latency) has no companions to share zeros with. SIMD128 stores a real 0 as 0;
          relaxed SIMD stores codes minus 128, so it finds zeros only where it takes the
          activations’ raw codes (on processors that sum whole bytes exactly: below), and SIMD128
          can then beat it.
        </p>
        <p className="small">
          On SIMD128, 2- and 4-bit weights run as fast as 8-bit ones: every code is widened to 16
          bits before the multiply, so the arithmetic is the same whatever the bit-width (only a
          Winograd convolution takes one of its 37 products fewer below 8 bits). Relaxed SIMD’s dot
          product is only guaranteed on one operand of 7 bits (0 to 127): weights of at most 7 bits
          fit in one pass, 8-bit weights need two (three when a layer’s codes span all 256 values),
          so there 2- to 7-bit weights run up to twice as fast as 8-bit ones, and 2 bits no faster
          than 4. But where the processor has no byte dot product of its own (x86 without AVX-VNNI),
          each relaxed instruction becomes two or three, about as many as SIMD128 needs for the same
          multiply-adds, and it finds no zeros to leave out (above): there every configuration runs
          on SIMD128 (the note under the table says why, and the table times relaxed SIMD beside
          it). Some processors sum whole bytes exactly (x86 with AVX-VNNI): where the kernels’ check
          finds that, 8-bit weights take one pass too, and no bit-width runs faster than another;
          and layers whose weights have no zero-point (symmetric) swap the operands: the weights as
          the signed byte, the activations’ raw codes as the unsigned one, which spares every output
          the correction for its inputs’ sum. Fewer bits beyond that save download size and memory,
          not time, unless a kernel multiplies packed codes (several weights per byte, or products
          looked up in tables); these models are small enough that reading their weights is not what
          limits them.
        </p>
      </details>
    </section>
  );
}

function statusText(speed: SpeedState | null, current: boolean): string {
  if (!speed) return 'Not measured yet.';
  switch (speed.status) {
    case 'waiting':
      return 'Waiting for the labs to finish their work…';
    case 'evaluating':
      return 'Evaluating the test set on the integer kernels…';
    case 'timing':
      return speed.report
        ? 'Timing the integer model split between two workers…'
        : `Timing both paths: ${LATENCY_RUNS} single images each, then the whole test set…`;
    case 'sweeping':
      return 'Timing the integer path at each weight bit-width…';
    case 'error':
      return `The measurement failed: ${speed.error ?? 'unknown error'}`;
    case 'done':
      return current
        ? 'Measured for the current configuration.'
        : 'Measured for an earlier configuration: measure again for this one.';
  }
}

function SpeedTable({
  speed,
  size,
  testCount,
}: {
  speed: SpeedState;
  size: { totalBits: number; float32Bits: number } | null;
  testCount: number;
}) {
  const r = speed.report;
  /** The other build's column beside the one the configuration runs on, when both were timed. */
  const base = r?.other ?? null;
  /** Whether this browser runs relaxed SIMD (the configuration may run on SIMD128 all the same). */
  const relaxed = r?.path === 'relaxed-simd' || base?.path === 'relaxed-simd';
  return (
    <div className="table-wrap">
      <table className="size-table speed-table" data-testid="speed-table">
        <thead>
          <tr>
            <th scope="col">Per run</th>
            <th scope="col" className="num">
              float32
              <br />
              <span className="muted">
                {r
                  ? `tfjs ${r.floatBackend}, ${r.floatThreads} thread${r.floatThreads === 1 ? '' : 's'}`
                  : 'tfjs'}
              </span>
            </th>
            {base && (
              <th scope="col" className="num">
                integer
                <br />
                <span className="muted">{pathName(base.path)}, 1 thread</span>
              </th>
            )}
            <th scope="col" className="num">
              integer
              <br />
              <span className="muted">{r ? `${pathName(r.path)}, 1 thread` : 'WebAssembly'}</span>
            </th>
            <th scope="col" className="num">
              speed-up
              {base && (
                <>
                  <br />
                  <span className="muted">{r ? pathName(r.path) : ''} over float32</span>
                </>
              )}
            </th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">
              Latency, one image (batch 1, median of {r?.latencyRuns ?? LATENCY_RUNS} timed groups)
            </th>
            <td className="num">{r ? ms(r.float.latencyMs) : '…'}</td>
            {base && <td className="num">{ms(base.latencyMs)}</td>}
            <td className="num" data-testid="speed-int-latency">
              {r ? ms(r.int.latencyMs) : '…'}
            </td>
            <td className="num">{r ? times(r.float.latencyMs / r.int.latencyMs) : '…'}</td>
          </tr>
          <tr>
            <th scope="row">
              Throughput, all {formatInt(r?.count ?? testCount)} test images at once
            </th>
            <td className="num">{r ? perSecond(r.float.imagesPerSecond) : '…'}</td>
            {base && <td className="num">{perSecond(base.imagesPerSecond)}</td>}
            <td className="num">{r ? perSecond(r.int.imagesPerSecond) : '…'}</td>
            <td className="num">
              {r ? times(r.int.imagesPerSecond / r.float.imagesPerSecond) : '…'}
            </td>
          </tr>
          <tr>
            <th scope="row">Size of the weights (biases and scales included)</th>
            <td className="num">{size ? formatBits(size.float32Bits) : '…'}</td>
            {base && <td className="num">{size ? formatBits(size.totalBits) : '…'}</td>}
            <td className="num">{size ? formatBits(size.totalBits) : '…'}</td>
            <td className="num">
              {size ? `${times(size.float32Bits / size.totalBits)} smaller` : '…'}
            </td>
          </tr>
        </tbody>
      </table>
      {base && r && (
        <p className="small" data-testid="speed-paths">
          {PathName(r.path)} against {pathName(base.path)}, the same integer model:{' '}
          {times(base.latencyMs / r.int.latencyMs)} the speed on one image,{' '}
          {times(r.int.imagesPerSecond / base.imagesPerSecond)} on the test set.
        </p>
      )}
      {speed.split && r && (
        <p className="small" data-testid="speed-split">
          On both cores (two workers, half the test set each, {pathName(r.path)}):{' '}
          {perSecond(speed.split.imagesPerSecond)},{' '}
          {times(speed.split.oneWorkerMs / speed.split.twoWorkersMs)} one worker’s rate timed the
          same way (the whole set {ms(speed.split.oneWorkerMs)}, split{' '}
          {ms(speed.split.twoWorkersMs)}, wall clock in the page, median of {SPLIT_RUNS});{' '}
          {formatInt(speed.split.correct)} correct
          {speed.evaluation && speed.evaluation.correct !== speed.split.correct
            ? ` (${formatInt(speed.evaluation.correct)} on one worker).`
            : ', as on one worker.'}
        </p>
      )}
      {r && (
        <p className="small" data-testid="speed-latency-groups">
          Latency: the page’s clock is coarse (5 µs steps in Chromium, coarser in some browsers), so
          each timed group is a run of one-image calls on successive test images, back to back,
          divided by their number (calls a group, sized to span dozens of the clock’s steps: float32{' '}
          {r.float.latencyGroup}, integer {r.int.latencyGroup}
          {base ? `, integer on ${pathName(base.path)} ${base.latencyGroup}` : ''}).
        </p>
      )}
      {/* The two-passes note below says the same for this configuration, and what follows. */}
      {r && relaxed && r.pathNote !== TWO_PASSES_NOTE && (
        <p className="small" data-testid="speed-planes">
          {r.planeMax >= 255
            ? 'Weight passes on relaxed SIMD: one, whatever the bit-width up to 8 (this browser’s dot product sums whole unsigned bytes exactly, as x86’s AVX-VNNI instruction does: checked when the kernels loaded).'
            : 'Weight passes on relaxed SIMD: one up to 7 bits, two or three at 8 bits (this browser’s dot product is exact only on 7-bit operands).'}
        </p>
      )}
      {r?.pathNote && (
        <p className="small" data-testid="speed-path-note">
          Integer kernels: {r.pathNote}.
        </p>
      )}
    </div>
  );
}

/**
 * What the sweep's points have in common for one of their counts (images per latency group, runs
 * behind the batch time): "25", or "20–32" when the points differ.
 */
function pointsRange(
  sweep: NonNullable<SpeedState['sweep']>,
  of: (p: NonNullable<SpeedState['sweep']>[number]['point']) => number,
): string {
  const xs = sweep.map((s) => of(s.point));
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

function BitSweep({
  sweep,
  bits,
  path,
  runsOn,
}: {
  sweep: NonNullable<SpeedState['sweep']>;
  /** The configuration's weight bits, marked in the header; null when its weights are not int. */
  bits: number | null;
  /** The build of the kernels the sweep ran on. */
  path: KernelPath | null;
  /** The build the configuration itself runs on (the table above), when timed. */
  runsOn: KernelPath | null;
}) {
  return (
    <div className="table-wrap">
      <table className="size-table speed-table" data-testid="speed-sweep">
        <caption className="small">
          Integer path{path ? ` (${pathName(path)})` : ''} by weight bit-width (everything else as
          set): latency of one image (batch 1, median of {SWEEP_LATENCY_RUNS} groups of{' '}
          {pointsRange(sweep, (p) => p.latencyGroup)} images timed together, as in the table above)
          and throughput over the first {formatInt(SWEEP_IMAGES)} test images (median of{' '}
          {pointsRange(sweep, (p) => p.batchRuns)} runs per point, taken in rounds over all the
          bit-widths: 3 to 25 rounds, until each has {SWEEP_BATCH_MS} ms timed). 1 bit is binary
          (±α).
          {path && runsOn && runsOn !== path && (
            <>
              {' '}
              The configuration itself runs on {pathName(runsOn)} (the table above); the sweep stays
              on one build, so that its bit-widths compare.
            </>
          )}
        </caption>
        <thead>
          <tr>
            <th scope="col">Weight bits</th>
            {sweep.map((s) => (
              <th key={s.bits} scope="col" className="num">
                {s.bits === bits ? <strong>{s.bits} (set)</strong> : s.bits}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Latency</th>
            {sweep.map((s) => (
              <td key={s.bits} className="num">
                {ms(s.point.latencyMs)}
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row">Images/s</th>
            {sweep.map((s) => (
              <td key={s.bits} className="num">
                {formatInt(Math.round((s.point.images / s.point.batchMs) * 1000))}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
