import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from '../../../platform/shared/zod';
import { WeightQuantSchema } from '../../../platform/shared/config';
import { newTrainedModelId } from '../shared/modelId';
import { openTrainedStore, toStoredBuffer } from './trainedStore';
import type { TrainedModel, TrainedStore } from './trainedStore';

/**
 * The trained-model store on fake-indexeddb (an in-memory IndexedDB for Node): what a reload
 * keeps, in which order, the bound, and what happens to damaged records.
 */

const RecipeSchema = z.object({ kind: z.enum(['finetune', 'qat', 'kd']), epochs: z.number() });
type Recipe = z.infer<typeof RecipeSchema>;

let dbCount = 0;
const opened: TrainedStore<Recipe>[] = [];
/** Each test its own database, as if a fresh browser profile. */
function freshName(): string {
  return `test-${++dbCount}`;
}
async function open(dbName: string, limit?: number) {
  const s = await openTrainedStore({ recipeSchema: RecipeSchema, dbName, limit });
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

function model(createdAt: number, runNumber = 1): TrainedModel<Recipe> {
  return {
    id: newTrainedModelId(),
    name: `MNIST MLP · QAT · run ${runNumber}`,
    runNumber,
    recipe: { kind: 'qat', epochs: 2 },
    createdAt,
    dataset: 'mnist',
    arch: { kind: 'mlp' },
    testAccuracy: 0.97,
    initialTestAccuracy: 0.13,
    stopped: false,
    sparsity: null,
    quantizedWith: WeightQuantSchema.parse({ bits: 2 }),
    actQuant: null,
    layers: [
      {
        name: 'fc1',
        className: 'Dense',
        kernelShape: [3, 2],
        kernel: toStoredBuffer(new Float32Array([1, 2, 3, 4, 5, 6])),
        bias: toStoredBuffer(new Float32Array([0.5, -0.5])),
      },
      {
        name: 'fc2',
        className: 'Dense',
        kernelShape: [2, 1],
        kernel: toStoredBuffer(new Float32Array([7, 8])),
        bias: null,
      },
    ],
  };
}

describe('trained model store', () => {
  it('keeps a model across a reload (a new connection), weights bit for bit', async () => {
    const name = freshName();
    const first = await open(name);
    const m = model(1000);
    await first.put(m);
    first.close();

    const again = await open(name);
    const got = await again.get(m.id);
    expect(got).not.toBeNull();
    const { layers, ...info } = got!;
    const { layers: _l, ...expected } = m;
    expect(info).toEqual(expected);
    expect(Array.from(new Float32Array(layers[0]!.kernel))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(new Float32Array(layers[0]!.bias!))).toEqual([0.5, -0.5]);
    expect(layers[1]!.bias).toBeNull();
    expect((await again.list()).models.map((x) => x.id)).toEqual([m.id]);
  });

  it('lists newest first, without weights, and counts runs on', async () => {
    const s = await open(freshName());
    const a = model(1000, 1);
    const b = model(3000, 3);
    const c = model(2000, 2);
    for (const m of [a, b, c]) await s.put(m);
    const { models, problems } = await s.list();
    expect(models.map((m) => m.id)).toEqual([b.id, c.id, a.id]);
    expect(problems).toEqual([]);
    expect(models.every((m) => !('layers' in m))).toBe(true);
    expect(await s.nextRunNumber()).toBe(4);
  });

  it('deletes a model and its weights', async () => {
    const s = await open(freshName());
    const a = model(1000);
    const b = model(2000);
    await s.put(a);
    await s.put(b);
    await s.delete(a.id);
    expect(await s.get(a.id)).toBeNull();
    expect((await s.list()).models.map((m) => m.id)).toEqual([b.id]);
  });

  it('keeps only the newest `limit` models and says which went', async () => {
    const s = await open(freshName(), 3);
    const ms = [5, 1, 4, 2, 3].map((t) => model(t * 1000));
    const evicted: string[] = [];
    for (const m of ms) evicted.push(...(await s.put(m)).evicted);
    // Times 5, 1, 4 fill the store; 2 pushes out 1; 3 pushes out 2.
    expect(evicted).toEqual([ms[1]!.id, ms[3]!.id]);
    expect((await s.list()).models.map((m) => m.createdAt)).toEqual([5000, 4000, 3000]);
    expect(await s.get(ms[1]!.id)).toBeNull();
  });

  it('skips damaged records with a problem, and refuses to write one', async () => {
    const name = freshName();
    const s = await open(name);
    const good = model(1000);
    const badWeights = model(2000);
    await s.put(good);
    await s.put(badWeights);

    // Damage the database behind the store's back, as an older version or a bug might.
    const raw = await openDB(name, 1);
    await raw.put('trained-models', { id: 'trained:nonsense', name: 'x' });
    await raw.put('trained-models', { ...(await raw.get('trained-models', good.id)), id: 'junk' });
    await raw.put('trained-weights', {
      id: badWeights.id,
      layers: [
        {
          name: 'fc1',
          className: 'Dense',
          kernelShape: [3, 2],
          kernel: new ArrayBuffer(8),
          bias: null,
        },
      ],
    });
    raw.close();

    const { models, problems } = await s.list();
    expect(models.map((m) => m.id)).toEqual([badWeights.id, good.id]);
    expect(problems.map((p) => p.key).sort()).toEqual(['junk', 'trained:nonsense']);
    expect(problems.find((p) => p.key === 'junk')!.problem).toMatch(/id: not a trained model id/);
    await expect(s.get(badWeights.id)).rejects.toThrow(/weights are damaged.*kernel size/);

    // A damaged record can be deleted by the key its problem names.
    await s.delete('junk');
    expect((await s.list()).problems.map((p) => p.key)).toEqual(['trained:nonsense']);

    const wrong = model(3000);
    await expect(s.put({ ...wrong, testAccuracy: 2 })).rejects.toThrow(/testAccuracy/);
    await expect(
      s.put({ ...wrong, layers: [{ ...wrong.layers[0]!, bias: new ArrayBuffer(4) }] }),
    ).rejects.toThrow(/bias size/);
    expect(await s.get(wrong.id)).toBeNull();
  });
});
