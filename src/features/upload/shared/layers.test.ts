import { describe, expect, it } from 'vitest';
import { LAYER_NAME } from '../../../platform/shared/config';
import { TINY, goodCases } from './corpus';
import { layerNameFor, layerWeightsOf } from './layers';
import { memoryInput, readUpload } from './readModel';

async function read(id: string) {
  const c = goodCases().find((x) => x.id === id)!;
  const r = await readUpload(c.files.map((f) => memoryInput(f.name, f.bytes)));
  if (!r.ok) throw new Error(r.problems[0]!.message);
  return r.model;
}

describe('the layers the labs compress in an upload', () => {
  it('a runnable model: its Dense layers with kernel and bias', async () => {
    const layers = layerWeightsOf(await read('tiny-keras2'));
    expect(layers.map((l) => [l.info.name, l.info.className, l.info.kernelShape])).toEqual([
      ['dense1', 'Dense', [4, 3]],
      ['dense2', 'Dense', [3, 2]],
    ]);
    expect(Array.from(layers[1]!.bias!)).toEqual(TINY.d2Bias.map(Math.fround));
    expect(Array.from(layers[0]!.kernel)).toEqual(TINY.d1Kernel.map(Math.fround));
  });

  it('a graph model: each float tensor on its own, with a name links accept', async () => {
    const layers = layerWeightsOf(await read('graph-model'));
    // The int32 shape constant is not a weight.
    expect(layers).toHaveLength(1);
    expect(layers[0]!.info.name).toBe('StatefulPartitionedCall_dense_MatMul_ReadVariableOp');
    expect(layers[0]!.info.className).toBe('Dense');
    expect(Array.from(layers[0]!.kernel)).toEqual([1, -2, 0.5, 0.25]);
    expect(layers[0]!.bias).toBeNull();
  });

  it('a layers model the labs do not run: every float tensor, BatchNormalization included', async () => {
    const layers = layerWeightsOf(await read('batchnorm'));
    expect(layers.map((l) => l.info.name)).toEqual([
      'dense1_kernel',
      'dense1_bias',
      'dense2_kernel',
      'dense2_bias',
      'bn_gamma',
      'bn_beta',
      'bn_moving_mean',
      'bn_moving_variance',
    ]);
    for (const l of layers) expect(l.info.name).toMatch(LAYER_NAME);
  });

  it('names: sanitized, the end kept, unique', () => {
    const taken = new Set<string>();
    expect(layerNameFor('a/b:0', taken)).toBe('a_b_0');
    expect(layerNameFor('a/b:0', taken)).toBe('a_b_0_2');
    const long = layerNameFor(`${'x'.repeat(100)}/dense_7/kernel`, taken);
    expect(long).toMatch(LAYER_NAME);
    expect(long.endsWith('dense_7_kernel')).toBe(true);
    expect(layerNameFor('<>', taken)).toBe('tensor');
  });
});
