import * as tf from '@tensorflow/tfjs';
import type { DatasetId } from '../shared/catalog';
import type { ModelMeta } from '../shared/meta';
import { buildCnn, buildMlp } from './architectures';
import { chainLayers } from './forward';
import { readLayerWeights } from './weights';
import type { LoadedModel } from '../../../platform/worker/assets';
import { architectureOf, layersFromStored } from '../shared/trainedLayers';
import type { TrainedModelId } from '../shared/modelId';
import { getTrainedRecord } from './trainedSource';

/**
 * A model trained in this browser, loaded like a shipped one: its architecture rebuilt from the
 * kept layers' shapes, their weights set, described by a meta of its own (its name, the accuracy
 * its run measured, the recipe).
 */
export async function loadTrainedModel(
  dataset: DatasetId,
  id: TrainedModelId,
  testCount: number,
): Promise<LoadedModel> {
  const record = await getTrainedRecord(id);
  if (record.dataset !== dataset)
    throw new Error(
      `${record.name} was trained on ${record.dataset}, not ${dataset}: pick it with its own dataset.`,
    );
  const layers = layersFromStored(record.layers);
  const arch = architectureOf(layers);
  const model =
    arch.kind === 'mlp'
      ? buildMlp(10, { hidden: arch.hidden })
      : buildCnn(10, { filters1: arch.filters[0], filters2: arch.filters[1], hidden: arch.hidden });
  for (const l of layers) {
    const layer = model.getLayer(l.info.name);
    const values = [tf.tensor(l.kernel, l.info.kernelShape as number[])];
    if (l.bias) values.push(tf.tensor1d(l.bias));
    layer.setWeights(values);
    tf.dispose(values);
  }
  const meta: ModelMeta = {
    id,
    dataset,
    arch: record.arch.kind,
    name: record.name,
    description: `Trained in this browser (run ${record.runNumber}${record.stopped ? ', stopped early' : ''}).`,
    testAccuracy: record.testAccuracy,
    testCount,
    params: layers.reduce((n, l) => n + l.info.params, 0),
    training: {
      recipe: record.recipe,
      initialTestAccuracy: record.initialTestAccuracy,
      ...(record.quantizedWith ? { quantizedWith: record.quantizedWith } : {}),
    },
    createdAt: new Date(record.createdAt).toISOString(),
  };
  return {
    model,
    layers: chainLayers(model),
    meta,
    dataset,
    original: await readLayerWeights(model),
    applied: '',
  };
}
