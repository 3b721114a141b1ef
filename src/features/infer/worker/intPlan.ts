import type * as tf from '@tensorflow/tfjs';
import { ActQuantSchema } from '../../../platform/shared/compressionSchemas';
import type { ActQuant } from '../../../platform/shared/config';
import { compressed } from '../../compress';
import { applyMask } from '../../prune';
import { calibrate } from '../../quantize/worker';
import type { LoadedDataset, LoadedModel } from '../../../platform/worker/assets';
import type { EvalRequest } from '../../../platform/worker/engine';
import { intWeightsOf, planInteger } from '../shared/plan';
import type { ActGrid, IntPlan, IntWeights, KernelPath, NetOp, NetShape } from '../shared/plan';

/**
 * The integer plan of a request on a loaded model: the network's shape read from its tfjs layers,
 * the compressed weights' codes (features/compress), and the activation grids of the same
 * calibration the fake-quant path uses (features/quantize/worker).
 */

interface LayerConfig {
  activation?: string;
  units?: number;
  filters?: number;
  kernelSize?: number | number[];
  strides?: number | number[];
  padding?: string;
  poolSize?: number | number[];
  dilationRate?: number | number[];
}

const pair = (v: number | number[] | undefined, dflt: number): [number, number] =>
  Array.isArray(v) ? [v[0] ?? dflt, v[1] ?? v[0] ?? dflt] : [v ?? dflt, v ?? dflt];

const reluOf = (name: string, a: string | undefined): boolean => {
  if (a === undefined || a === 'linear') return false;
  if (a === 'relu') return true;
  throw new Error(`${name}: activation '${a}' has no integer kernel (ReLU and linear do).`);
};

/** The layers as the integer path needs them; throws on anything it does not run. */
export function netShapeOf(
  layers: readonly tf.layers.Layer[],
  input: readonly [number, number, number],
  kernelShapes: ReadonlyMap<string, readonly number[]>,
): NetShape {
  const ops: NetOp[] = [];
  for (const l of layers) {
    const cls = l.getClassName();
    const cfg = l.getConfig() as LayerConfig;
    switch (cls) {
      case 'Dense': {
        const shape = kernelShapes.get(l.name);
        if (!shape) throw new Error(`${l.name}: no weights.`);
        ops.push({
          kind: 'dense',
          name: l.name,
          inputs: shape[0]!,
          units: shape[1]!,
          relu: reluOf(l.name, cfg.activation),
        });
        break;
      }
      case 'Conv2D': {
        const [sy, sx] = pair(cfg.strides, 1);
        const [dy, dx] = pair(cfg.dilationRate, 1);
        if (sy !== 1 || sx !== 1 || dy !== 1 || dx !== 1)
          throw new Error(`${l.name}: only stride-1, undilated convolutions run as integers.`);
        if (cfg.padding !== 'same' && cfg.padding !== 'valid')
          throw new Error(`${l.name}: padding '${cfg.padding}'.`);
        ops.push({
          kind: 'conv2d',
          name: l.name,
          kernel: pair(cfg.kernelSize, 1),
          filters: cfg.filters ?? 0,
          padding: cfg.padding,
          relu: reluOf(l.name, cfg.activation),
        });
        break;
      }
      case 'MaxPooling2D': {
        const [py, px] = pair(cfg.poolSize, 2);
        const [sy, sx] = pair(cfg.strides ?? cfg.poolSize, 2);
        if (py !== 2 || px !== 2 || sy !== 2 || sx !== 2 || cfg.padding === 'same')
          throw new Error(
            `${l.name}: only 2×2 'valid' max pooling with stride 2 runs as integers.`,
          );
        ops.push({ kind: 'maxpool2', name: l.name });
        break;
      }
      case 'Flatten':
        ops.push({ kind: 'flatten', name: l.name });
        break;
      case 'Dropout':
        break; // nothing at inference
      default:
        throw new Error(`${l.name}: a ${cls} layer has no integer kernel.`);
    }
  }
  return { input, ops };
}

/** The activation settings the integer path uses: the request's, or 8-bit when they are float. */
export function intActs(request: EvalRequest): { acts: ActQuant; assumed: boolean } {
  if (request.acts && request.acts.bits > 0) return { acts: request.acts, assumed: false };
  return { acts: { ...(request.acts ?? ActQuantSchema.parse({})), bits: 8 }, assumed: true };
}

export interface PlannedRequest {
  readonly plan: IntPlan;
  /** The activation settings the integer path ran with. */
  readonly acts: ActQuant;
}

/**
 * The integer plan of `request` on `m` for the kernels of `path` (calibrating, as the float path
 * does, when needed), with relaxed SIMD's weight planes of at most `planeMax` (the kernels'
 * `planeMax` of the kernels that will run it).
 */
export async function intPlanFor(
  m: LoadedModel,
  d: LoadedDataset,
  request: EvalRequest,
  path: KernelPath = 'simd128',
  planeMax?: number,
): Promise<PlannedRequest> {
  const { acts, assumed } = intActs(request);
  const cal = await calibrate(m, d, acts);
  const overrides = request.weights?.overrides ?? {};
  const approximations: string[] = [];
  if (assumed)
    approximations.push(
      `activations run as ${acts.bits}-bit integers (calibrated); the float path keeps them float`,
    );
  const grids = new Map<string, ActGrid>();
  for (const [name, c] of cal) {
    grids.set(name, c.qparams);
    if (!assumed && overrides[name] === 0)
      approximations.push(`${name}: its input runs as ${acts.bits}-bit integers, float in the float path`); // prettier-ignore
  }
  const c = request.weights ? compressed(m, request.weights) : null;
  const weights = new Map<string, IntWeights>();
  const shapes = new Map<string, readonly number[]>();
  m.original.forEach((w, i) => {
    shapes.set(w.info.name, w.info.kernelShape);
    const l = c?.layers[i];
    const bias = w.bias && l?.biasMask ? applyMask(w.bias, l.biasMask) : w.bias;
    const r = intWeightsOf(
      l ?? {
        name: w.info.name,
        values: w.kernel,
        tensor: null,
        mask: null,
        spec: { kind: 'float32' },
      },
      w.info.kernelShape,
      bias,
    );
    weights.set(w.info.name, r.weights);
    if (r.approximation) approximations.push(r.approximation);
  });
  const net = netShapeOf(m.layers, d.meta.imageShape, shapes);
  return {
    plan: planInteger({ net, weights, acts: grids, approximations }, path, planeMax),
    acts,
  };
}
