// @vitest-environment node
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARCH_IDS, DATASET_IDS } from '../shared/catalog';
import { loadShippedDataset, loadShippedModel } from '../../../testing/shipped';
import { evaluate } from './evaluate';
import { joinEvaluations } from '../../../platform/shared/metrics';

/**
 * evaluate() on the shipped models gives the accuracy recorded when they were trained
 * (meta.json: testAccuracy over testCount images), to the image: the same number of correct
 * predictions, over the whole test set, and a confusion matrix whose rows are the test labels.
 * A wrong batch split, a label offset or an argmax over the wrong axis would each change it.
 */
beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('evaluate on the shipped models', () => {
  for (const dataset of DATASET_IDS)
    for (const arch of ARCH_IDS)
      it(`${dataset}-${arch}: the recorded accuracy, to the image`, async () => {
        const m = await loadShippedModel(dataset, arch);
        const d = loadShippedDataset(dataset);
        const r = await evaluate(m.model, d.testX, d.testLabels);
        expect(r.count).toBe(m.meta.testCount);
        expect(r.correct).toBe(Math.round(m.meta.testAccuracy * m.meta.testCount));
        expect(r.accuracy).toBeCloseTo(m.meta.testAccuracy, 6);
        // Rows of the confusion matrix are the true classes: they count the test labels.
        const k = r.numClasses;
        const perClass = new Array<number>(k).fill(0);
        for (const label of d.testLabels) perClass[label]!++;
        const rows = Array.from({ length: k }, (_, t) =>
          r.confusion.slice(t * k, t * k + k).reduce((a, b) => a + b, 0),
        );
        expect(rows).toEqual(perClass);
        let diagonal = 0;
        for (let t = 0; t < k; t++) diagonal += r.confusion[t * k + t]!;
        expect(diagonal).toBe(r.correct);
        // A subset is the first `limit` images, counted the same way.
        const few = await evaluate(m.model, d.testX, d.testLabels, { limit: 100, batchSize: 33 });
        expect(few.count).toBe(100);
        const first = d.testX.slice(0, 100);
        const firstHundred = await evaluate(m.model, first, d.testLabels.slice(0, 100));
        first.dispose();
        expect(few.correct).toBe(firstHundred.correct);
        // The labs' quick estimate then the rest (platform/state/job.ts quickThenFull): the two
        // ranges joined are the whole evaluation, confusion matrix and all.
        const quick = await evaluate(m.model, d.testX, d.testLabels, { limit: 1000 });
        const rest = await evaluate(m.model, d.testX, d.testLabels, { offset: 1000 });
        expect(quick.count + rest.count).toBe(r.count);
        const joined = joinEvaluations({ ...quick, ms: 0 }, { ...rest, ms: 0 });
        expect(joined.correct).toBe(r.correct);
        expect(joined.accuracy).toBe(r.accuracy);
        expect(Array.from(joined.confusion)).toEqual(Array.from(r.confusion));
        m.model.dispose();
        d.testX.dispose();
      }, 60_000);
});
