import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../platform/shared/config';
import type { Config } from '../../../platform/shared/config';
import { compressKey, compressSettings, describePipeline } from './pipeline';
import { STAGE_IDS, pipelineStages, resetPipeline, resetStage } from './stages';

const prunedClustered: Config = {
  ...DEFAULT_CONFIG,
  view: 'quantize',
  prune: { ...DEFAULT_CONFIG.prune, method: 'magnitude', sparsity: 0.9 },
  weights: { ...DEFAULT_CONFIG.weights, format: 'cluster' },
  cluster: { k: 32, init: 'kmeans++' },
  acts: { ...DEFAULT_CONFIG.acts, bits: 2 },
  storage: { ...DEFAULT_CONFIG.storage, huffman: true },
};

const byId = (c: Config) => Object.fromEntries(pipelineStages(c, c.view).map((s) => [s.id, s]));

describe('pipeline stages', () => {
  it('names every setting that shapes the numbers, whichever tab edits it', () => {
    const s = byId(prunedClustered);
    expect(s.prune!.active).toBe(true);
    expect(s.prune!.state).toContain('90%');
    expect(s.prune!.state).toContain('magnitude');
    expect(s.weights!.state).toContain('32');
    expect(s.weights!.state).toContain('k-means');
    expect(s.acts!.state).toContain('int2');
    expect(s.storage!.state).toContain('Huffman');
    // Controls that only exist on another tab are reached there.
    expect(s.prune!.controlsView).toBe('prune');
    expect(s.weights!.controlsView).toBe('prune'); // k lives on Prune & cluster
    expect(s.acts!.controlsView).toBe('quantize');
    expect(s.storage!.controlsView).toBe('prune');
  });

  it('says "off" for stages that leave the model as trained', () => {
    const c = resetPipeline(prunedClustered);
    for (const st of pipelineStages(c, 'prune')) expect(st.active, st.id).toBe(false);
    expect(byId(c).prune!.state).toMatch(/^off/);
    expect(byId(c).acts!.state).toMatch(/^float32/);
  });

  it('names per-layer overrides and pruning overrides', () => {
    const c: Config = {
      ...DEFAULT_CONFIG,
      overrides: { fc3: 0, fc1: 4 },
      prune: { ...DEFAULT_CONFIG.prune, method: 'global', overrides: { fc3: -1 } },
    };
    const s = byId(c);
    expect(s.weights!.state).toContain('fc1 4-bit');
    expect(s.weights!.state).toContain('fc3 float32');
    expect(s.prune!.state).toContain('1 layer left dense');
  });

  it('resets one stage and leaves the others', () => {
    const slices = (c: Config) => ({
      prune: c.prune,
      weights: [c.weights, c.overrides, c.cluster],
      acts: c.acts,
      storage: c.storage,
    });
    for (const id of STAGE_IDS) {
      const c = resetStage(prunedClustered, id);
      expect(byId(c)[id]!.active, id).toBe(false);
      for (const other of STAGE_IDS.filter((x) => x !== id))
        expect(slices(c)[other], `${id} reset keeps ${other}`).toEqual(
          slices(prunedClustered)[other],
        );
      expect(c.view).toBe(prunedClustered.view);
      expect(c.dataset).toBe(prunedClustered.dataset);
    }
  });

  it('reset all gives the trained model: float32 weights, nothing pruned', () => {
    const c = resetPipeline(prunedClustered);
    expect(c.weights.format).toBe('float32');
    expect(c.prune.method).toBe('none');
    expect(c.acts.bits).toBe(0);
    expect(c.storage.huffman).toBe(false);
    expect(c.overrides).toEqual({});
    // Same compressed weights as any float32 config without pruning.
    const trained = {
      ...DEFAULT_CONFIG,
      weights: { ...DEFAULT_CONFIG.weights, format: 'float32' as const },
    };
    expect(compressKey(compressSettings(c))).toBe(compressKey(compressSettings(trained)));
  });

  it('the headline label names storage choices that change the size', () => {
    expect(describePipeline(prunedClustered)).toContain('Huffman');
    expect(describePipeline({ ...prunedClustered, storage: DEFAULT_CONFIG.storage })).not.toContain(
      'Huffman',
    );
  });
});
