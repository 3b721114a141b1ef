import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARCH_IDS, DATASET_IDS } from './catalog';
import { modelKey } from '../../../platform/shared/config';
import {
  formatModelId,
  isModelId,
  isTrainedModelId,
  modelKind,
  newTrainedModelId,
  parseModelId,
  shippedModelId,
  trainedModelId,
  uploadedModelId,
} from './modelId';
import type { ModelRef } from './modelId';

const UUID = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
const SHA = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

describe('model ids', () => {
  it('names shipped models as modelKey does today', () => {
    for (const dataset of DATASET_IDS)
      for (const arch of ARCH_IDS) {
        const id = shippedModelId(dataset, arch);
        expect(id).toBe(modelKey({ dataset, arch }));
        expect(parseModelId(id)).toEqual({ ok: true, id, ref: { kind: 'shipped', dataset, arch } });
      }
  });

  it('parses trained and uploaded ids into their parts', () => {
    expect(parseModelId(`trained:${UUID}`)).toEqual({
      ok: true,
      id: `trained:${UUID}`,
      ref: { kind: 'trained', uuid: UUID },
    });
    expect(parseModelId(`uploaded:${SHA}`)).toEqual({
      ok: true,
      id: `uploaded:${SHA}`,
      ref: { kind: 'uploaded', sha256: SHA },
    });
    expect(modelKind(`trained:${UUID}`)).toBe('trained');
    expect(modelKind(`uploaded:${SHA}`)).toBe('uploaded');
    expect(modelKind('fashion-cnn')).toBe('shipped');
  });

  it('rejects malformed ids with a sentence, never throws', () => {
    const bad = [
      '',
      'mnist',
      'mnist-',
      'mnist-rnn',
      'cifar-mlp',
      'mnist-mlp-x',
      'MNIST-MLP',
      'trained:',
      'trained:not-a-uuid',
      `trained:${UUID.toUpperCase()}`,
      `trained:${UUID} `,
      `uploaded:${SHA.slice(1)}`,
      `uploaded:${SHA}0`,
      'x'.repeat(10_000),
      '__proto__',
    ];
    for (const s of bad) {
      const p = parseModelId(s);
      expect(p.ok, s).toBe(false);
      if (!p.ok) expect(p.problem.length).toBeLessThan(120);
      expect(isModelId(s)).toBe(false);
    }
    expect(isTrainedModelId(`trained:${UUID}`)).toBe(true);
    expect(isTrainedModelId('mnist-mlp')).toBe(false);
  });

  it('the constructors refuse what the parser would refuse', () => {
    expect(() => trainedModelId('abc')).toThrow(/UUID/);
    expect(() => uploadedModelId('abc')).toThrow(/SHA-256/);
    for (let i = 0; i < 100; i++) {
      const id = newTrainedModelId();
      expect(isTrainedModelId(id)).toBe(true);
      expect(id).toMatch(
        /^trained:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    expect(newTrainedModelId()).not.toBe(newTrainedModelId());
  });

  it('format and parse are inverse on every valid ref', () => {
    const hex = (n: number) =>
      fc
        .array(fc.constantFrom(...'0123456789abcdef'), { minLength: n, maxLength: n })
        .map((a) => a.join(''));
    const ref: fc.Arbitrary<ModelRef> = fc.oneof(
      fc.record({
        kind: fc.constant('shipped' as const),
        dataset: fc.constantFrom(...DATASET_IDS),
        arch: fc.constantFrom(...ARCH_IDS),
      }),
      fc.uuid().map((uuid) => ({ kind: 'trained' as const, uuid })),
      hex(64).map((sha256) => ({ kind: 'uploaded' as const, sha256 })),
    );
    fc.assert(
      fc.property(ref, (r) => {
        const id = formatModelId(r);
        expect(parseModelId(id)).toEqual({ ok: true, id, ref: r });
      }),
    );
  });
});
