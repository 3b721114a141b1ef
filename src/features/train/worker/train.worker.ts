import * as Comlink from 'comlink';
import { holdLifeline } from '../../../platform/worker/lifeline';
import { registerWasmTrainingKernels } from '../../model/worker';
import { getDataset, getModel, getTrain } from '../../../platform/worker/assets';
import { initBackend } from '../../../platform/worker/backend';
import type { BackendInfo } from '../../../platform/worker/backend';
import { createTrainApi } from './api';
import { train } from './trainer';
import type { TrainHooks } from './trainer';
import { stepsPerEpoch } from '../shared/recipe';
import type { Recipe } from '../shared/recipe';

/**
 * The training worker: runs apart from the compute worker, so the labs stay live while a model
 * trains. Same backend set-up and asset loading as the compute worker (its own copies of the
 * model and data: workers share no memory).
 */

let backend: Promise<BackendInfo> | null = null;

function ensureBackend(): Promise<BackendInfo> {
  if (!backend) {
    backend = initBackend().then((info) => {
      // tfjs-wasm has no Conv2DBackpropFilter kernel: CNN training needs the project's own.
      if (info.name === 'wasm') registerWasmTrainingKernels();
      return info;
    });
    backend.catch(() => (backend = null)); // a failed start is tried again by the next run
  }
  return backend;
}

async function trainRecipe(recipe: Recipe, hooks: TrainHooks) {
  await ensureBackend();
  const [base, dataset] = await Promise.all([
    // A model trained in this browser if the recipe starts from one (e.g. a distilled student).
    getModel(recipe.dataset, recipe.base ?? recipe.arch),
    getDataset(recipe.dataset),
  ]);
  const trainSet = await getTrain(dataset);
  // About ten test-set points per run where an evaluation is cheap next to a step (MLPs, and
  // distillation's MLP students: ~3 steps' time each); a CNN's costs dozens of steps, so once
  // per epoch (the trainer's default).
  const total = recipe.epochs * stepsPerEpoch(trainSet.labels.length, recipe.batchSize);
  const cheap = recipe.arch === 'mlp' || recipe.kind === 'kd';
  return train(
    recipe,
    base,
    {
      train: trainSet,
      test: { x: dataset.testX, labels: dataset.testLabels },
      imageShape: dataset.meta.imageShape,
    },
    cheap ? { ...hooks, testEvery: Math.max(1, Math.ceil(total / 10)) } : hooks,
  );
}

holdLifeline(self);
Comlink.expose(createTrainApi(trainRecipe));
