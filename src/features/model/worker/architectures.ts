/**
 * Model builders shared by the training script (Node) and the app's worker.
 *
 * Both networks take a [28, 28, 1] float input already scaled with x/255 (no mean
 * subtraction) and end in a linear Dense layer: they output **logits** (no softmax), so
 * callers apply softmax themselves and distillation can use temperature-scaled logits.
 *
 * Layer names are fixed ('flatten', 'fc1', 'fc2', 'fc3', 'conv1', 'pool1', 'conv2',
 * 'pool2') because the app addresses layers by name.
 *
 * `dropout` > 0 inserts Dropout layers ('drop1', 'drop2', ...) after the hidden Dense
 * layers. They carry no weights, so a model built with dropout for training has exactly
 * the same weight list (same order) as the clean model: the shipped models are built
 * without dropout and receive the trained weights with `setWeights`.
 */
import * as tf from '@tensorflow/tfjs';

export const INPUT_SHAPE: [number, number, number] = [28, 28, 1];
export const PREPROCESS = 'x/255';

export interface BuildOptions {
  /** Seed for the kernel initializers (each layer gets seed + its index). */
  seed?: number;
  /** Dropout rate after each hidden Dense layer during training (0 = none). */
  dropout?: number;
}

export interface CnnOptions extends BuildOptions {
  /** Number of 5x5 filters in conv1 (default 6, as in LeNet-5). */
  filters1?: number;
  /** Number of 5x5 filters in conv2 (default 16, as in LeNet-5). */
  filters2?: number;
  /** Width of the two hidden Dense layers (default [120, 84], as in LeNet-5). */
  hidden?: [number, number];
}

function kernelInit(
  seed: number | undefined,
  index: number,
): ReturnType<typeof tf.initializers.heNormal> {
  // He (fan-in) init suits ReLU layers; glorotUniform would also work. Seeded when asked.
  return seed === undefined
    ? tf.initializers.heNormal({})
    : tf.initializers.heNormal({ seed: seed + index });
}

function maybeDropout(x: tf.SymbolicTensor, rate: number, name: string): tf.SymbolicTensor {
  if (rate <= 0) return x;
  return tf.layers.dropout({ rate, name }).apply(x) as tf.SymbolicTensor;
}

export interface MlpOptions extends BuildOptions {
  /**
   * Widths of the hidden Dense layers (default [300, 100], LeNet-300-100), named fc1, fc2, …;
   * the logits layer is fc{hidden.length + 1}. A distilled student is e.g. [32].
   */
  hidden?: readonly number[];
}

/**
 * LeNet-300-100: Flatten → Dense 300 ReLU → Dense 100 ReLU → Dense numClasses (logits).
 * 266,610 parameters for 10 classes. Other hidden widths with `options.hidden`.
 */
export function buildMlp(numClasses = 10, options: MlpOptions = {}): tf.LayersModel {
  const { seed, dropout = 0, hidden = [300, 100] } = options;
  const input = tf.input({ shape: INPUT_SHAPE, name: 'input' });
  let x = tf.layers.flatten({ name: 'flatten' }).apply(input) as tf.SymbolicTensor;
  hidden.forEach((units, i) => {
    x = tf.layers
      .dense({
        units,
        activation: 'relu',
        name: `fc${i + 1}`,
        kernelInitializer: kernelInit(seed, i + 1),
      })
      .apply(x) as tf.SymbolicTensor;
    x = maybeDropout(x, dropout, `drop${i + 1}`);
  });
  const last = hidden.length + 1;
  const logits = tf.layers
    .dense({
      units: numClasses,
      activation: 'linear',
      name: `fc${last}`,
      kernelInitializer: tf.initializers.glorotUniform(
        seed === undefined ? {} : { seed: seed + last },
      ),
    })
    .apply(x) as tf.SymbolicTensor;
  const shipped = hidden.length === 2 && hidden[0] === 300 && hidden[1] === 100;
  return tf.model({
    inputs: input,
    outputs: logits,
    name: shipped ? 'lenet_300_100' : `mlp_${hidden.join('_')}`,
  });
}

/**
 * LeNet-5-like CNN: Conv 5x5 'same' ReLU → MaxPool 2 → Conv 5x5 'valid' ReLU → MaxPool 2 →
 * Flatten → Dense 120 ReLU → Dense 84 ReLU → Dense numClasses (logits).
 * Spatial sizes: 28 → 28 → 14 → 10 → 5.
 */
export function buildCnn(numClasses = 10, options: CnnOptions = {}): tf.LayersModel {
  const { seed, dropout = 0, filters1 = 6, filters2 = 16, hidden = [120, 84] } = options;
  const input = tf.input({ shape: INPUT_SHAPE, name: 'input' });
  let x = tf.layers
    .conv2d({
      filters: filters1,
      kernelSize: 5,
      padding: 'same',
      activation: 'relu',
      name: 'conv1',
      kernelInitializer: kernelInit(seed, 1),
    })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers
    .maxPooling2d({ poolSize: 2, strides: 2, name: 'pool1' })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .conv2d({
      filters: filters2,
      kernelSize: 5,
      padding: 'valid',
      activation: 'relu',
      name: 'conv2',
      kernelInitializer: kernelInit(seed, 2),
    })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .maxPooling2d({ poolSize: 2, strides: 2, name: 'pool2' })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({
      units: hidden[0],
      activation: 'relu',
      name: 'fc1',
      kernelInitializer: kernelInit(seed, 3),
    })
    .apply(x) as tf.SymbolicTensor;
  x = maybeDropout(x, dropout, 'drop1');
  x = tf.layers
    .dense({
      units: hidden[1],
      activation: 'relu',
      name: 'fc2',
      kernelInitializer: kernelInit(seed, 4),
    })
    .apply(x) as tf.SymbolicTensor;
  x = maybeDropout(x, dropout, 'drop2');
  const logits = tf.layers
    .dense({
      units: numClasses,
      activation: 'linear',
      name: 'fc3',
      kernelInitializer: tf.initializers.glorotUniform(
        seed === undefined ? {} : { seed: seed + 5 },
      ),
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'lenet5' });
}
