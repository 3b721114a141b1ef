/**
 * Mask-for-mask parity with torch.nn.utils.prune (l1_unstructured, ln_structured with n = 1
 * and 2 over the output axis, global_unstructured with L1Unstructured). The fixture is made by
 * scripts/check-torch-prune.py and committed, so this test needs no Python.
 */
import { describe, expect, it } from 'vitest';
import raw from '../../../../scripts/fixtures/torch-prune.json';
import { globalMagnitudeMasks, magnitudeMask } from './magnitude';
import { structuredMask } from './structured';

interface TorchLayer {
  name: string;
  shape: number[];
  weights: number[];
  l1Unstructured: { amount: number; mask: number[] }[];
  lnStructured: { amount: number; n: 1 | 2; mask: number[] }[];
}

interface TorchPruneFixture {
  torch: string;
  layers: TorchLayer[];
  global: { amount: number; masks: number[][] }[];
}

const fixture = raw as unknown as TorchPruneFixture;
const kernels = fixture.layers.map((l) => Float32Array.from(l.weights));

describe(`parity with torch.nn.utils.prune (torch ${fixture.torch})`, () => {
  it('has a non-trivial fixture', () => {
    expect(fixture.layers.length).toBeGreaterThanOrEqual(4);
    expect(fixture.global.length).toBeGreaterThanOrEqual(3);
  });

  fixture.layers.forEach((layer, li) => {
    const w = kernels[li]!;
    it(`${layer.name} [${layer.shape.join(', ')}]: l1_unstructured`, () => {
      for (const c of layer.l1Unstructured) {
        expect(Array.from(magnitudeMask(w, c.amount)), `amount ${c.amount}`).toEqual(c.mask);
      }
    });
    it(`${layer.name} [${layer.shape.join(', ')}]: ln_structured n = 1, 2`, () => {
      for (const c of layer.lnStructured) {
        const ours = structuredMask(w, layer.shape, c.amount, c.n === 1 ? 'l1' : 'l2');
        expect(Array.from(ours.mask), `amount ${c.amount}, n ${c.n}`).toEqual(c.mask);
      }
    });
  });

  it('global_unstructured (L1Unstructured) over all layers', () => {
    for (const c of fixture.global) {
      const ours = globalMagnitudeMasks(kernels, c.amount).map((m) => Array.from(m));
      expect(ours, `amount ${c.amount}`).toEqual(c.masks);
    }
  });
});
