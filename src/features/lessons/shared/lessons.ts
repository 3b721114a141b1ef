import type { Config, View } from '../../../platform/shared/config';
import type { Panel } from '../../../platform/shared/panels';

/**
 * The built-in lessons: the sequence the field's introductions teach, one link each. A lesson is
 * a config (what the class sees), a short text (the idea), a task (what to do and what to ask),
 * and the panels it hides because they are not its point (their results are not computed).
 *
 * Texts state ideas, never measured numbers: the numbers are on the screen beside them, measured.
 */

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[]
    ? T[K]
    : T[K] extends object | null
      ? DeepPartial<NonNullable<T[K]>> | Extract<T[K], null>
      : T[K];
};

/** What a lesson changes from the defaults (everything else is at its default). */
export type LessonConfig = DeepPartial<Omit<Config, 'lesson' | 'hide' | 'projector'>> & {
  view: View;
};

export interface Lesson {
  readonly id: string;
  readonly title: string;
  /** The idea, in two to four sentences. */
  readonly text: string;
  /** What the class does, and the question it answers. */
  readonly task: string;
  readonly config: LessonConfig;
  readonly hide: readonly Panel[];
}

/** Tabs a quantization lesson does not need. */
const NOT_QUANT_TABS: Panel[] = ['tab-prune', 'tab-train', 'tab-history'];
/** Tabs a pruning lesson does not need. */
const NOT_PRUNE_TABS: Panel[] = ['tab-quantize', 'tab-train', 'tab-history'];
/** The quantization lab's heavier panels. */
const QUANT_EXTRAS: Panel[] = ['sensitivity', 'layers', 'perclass', 'export'];

export const LESSONS: readonly Lesson[] = [
  {
    id: 'precision',
    title: 'Precision and memory',
    text: 'A trained network is a few hundred thousand numbers, each stored as a 32-bit float. Fixed point stores each as a small integer code plus one shared scale: 8 bits instead of 32 makes the weights 4× smaller. The size line counts every bit, scales included.',
    task: 'Switch the weight format from float32 to integer at 8 bits. How many KB does the model take before and after? Is it exactly 4× smaller — what else is stored? Did the accuracy change?',
    config: { view: 'quantize', weights: { format: 'float32' } },
    hide: [...NOT_QUANT_TABS, ...QUANT_EXTRAS, 'advanced', 'acts', 'sweep', 'worked', 'cluster'],
  },
  {
    id: 'scale',
    title: 'Uniform quantization: scale and zero-point',
    text: 'Uniform quantization maps a real range [min, max] onto 2ᵇ integer codes: scale = (max − min) / (2ᵇ − 1), and the zero-point is the code that stands for 0.0. Each weight is rounded to the nearest code and read back as (code − zero-point) · scale. The worked example does it by hand for eight weights.',
    task: 'Follow the worked example at 4 bits, then switch the scheme between affine and symmetric. What is the zero-point in each? Which scheme wastes codes when the range is lopsided?',
    config: { view: 'quantize', weights: { format: 'int', bits: 4, scheme: 'affine' } },
    hide: [...NOT_QUANT_TABS, ...QUANT_EXTRAS, 'acts', 'sweep', 'cluster'],
  },
  {
    id: 'bits',
    title: '8 vs 4 vs 2 bits',
    text: 'Each bit removed halves the number of levels and doubles the rounding step. At 8 bits the error is far below what the network notices; at some point below that it is not.',
    task: 'Drag the bit-width from 8 to 2. What happens to the histogram and to the accuracy? Why does the drop come so suddenly? Compare with the sweep chart.',
    config: { view: 'quantize', weights: { format: 'int', bits: 8 } },
    hide: [...NOT_QUANT_TABS, ...QUANT_EXTRAS, 'advanced', 'acts', 'worked', 'cluster'],
  },
  {
    id: 'binary',
    title: 'Binary and ternary weights',
    text: 'At 1 bit each weight is just its sign, scaled by the mean magnitude (BinaryConnect, XNOR-Net): 32× smaller. Ternary weights add a zero (TWN: weights below 0.7 · mean|w| become 0).',
    task: 'Look at the 1-bit histogram: how many distinct values are left? Now choose 2 bits and tick Ternary. Which keeps more accuracy, and what does the extra 0 cost in size?',
    config: { view: 'quantize', weights: { format: 'int', bits: 1 } },
    hide: [...NOT_QUANT_TABS, ...QUANT_EXTRAS, 'acts', 'worked', 'cluster'],
  },
  {
    id: 'granularity',
    title: 'Per-tensor vs per-channel',
    text: 'One scale for a whole layer must cover its widest channel, so channels with small weights get only a few levels. Per-channel quantization gives every output channel its own scale, at the cost of storing one scale per channel.',
    task: 'At 4 bits on the CNN, switch granularity from per-tensor to per-channel. Which layers gain the most? Look at the channel ranges: why those?',
    config: {
      view: 'quantize',
      arch: 'cnn',
      weights: { format: 'int', bits: 4, granularity: 'tensor' },
    },
    hide: [...NOT_QUANT_TABS, 'sensitivity', 'perclass', 'export', 'acts', 'sweep', 'worked'],
  },
  {
    id: 'activations',
    title: 'Weight vs activation quantization; calibration',
    text: 'Weights are known in advance; activations depend on the input. To quantize them a calibration pass runs sample images through the model and an observer picks each layer’s range: min/max keeps every outlier, a percentile clips the rare ones.',
    task: 'Activations are at 8 bits with the min/max observer. Lower them to 4 bits, then try the percentile observer at 99.99. Which range wins, and why does clipping a few outliers help?',
    config: {
      view: 'quantize',
      weights: { format: 'int', bits: 8 },
      acts: { bits: 8, observer: 'minmax' },
    },
    hide: [...NOT_QUANT_TABS, 'sensitivity', 'perclass', 'export', 'worked', 'cluster'],
  },
  {
    id: 'qat',
    title: 'Post-training vs quantization-aware training',
    text: 'Post-training quantization rounds a finished model. Quantization-aware training keeps training with the rounding in the forward pass; the straight-through estimator lets gradients pass the rounding as if it were not there, so the weights learn to sit well on the grid.',
    task: 'The weights are at 2 bits. Note the post-training accuracy, then start a QAT run. How close does it get to float32? Compare the PTQ and QAT curves on the chart.',
    config: {
      view: 'train',
      weights: { format: 'int', bits: 2 },
      train: { technique: 'qat', epochs: 3 },
    },
    hide: ['tab-prune', 'tab-history', 'tab-tryit', 'export'],
  },
  {
    id: 'magnitude',
    title: 'Magnitude pruning',
    text: 'Most weights of a trained network are close to zero; removing the smallest changes little. Magnitude pruning sets the smallest fraction of each layer to exactly zero (torch l1_unstructured, TFMOT prune_low_magnitude).',
    task: 'Drag the sparsity from 50 % to 90 % and then 95 %. Watch the mask and the accuracy: where does the curve fall off a cliff? Which layer loses the most?',
    config: {
      view: 'prune',
      weights: { format: 'float32' },
      prune: { method: 'magnitude', sparsity: 0.5 },
    },
    hide: [...NOT_PRUNE_TABS, 'cluster', 'scatter', 'export'],
  },
  {
    id: 'structured',
    title: 'Structured vs unstructured vs 2:4',
    text: 'Unstructured pruning removes single weights anywhere: the most accurate, but the layer keeps its shape. Structured pruning removes whole neurons or filters, so the layer really shrinks. 2:4 sparsity keeps 2 of every 4 weights, a pattern some GPUs run twice as fast.',
    task: 'At 50 % compare the methods magnitude, structured and N:M 2:4. Which keeps the most accuracy? Which one could make the model faster without special hardware, and why?',
    config: {
      view: 'prune',
      weights: { format: 'float32' },
      prune: { method: 'structured', sparsity: 0.5 },
    },
    hide: [...NOT_PRUNE_TABS, 'cluster', 'scatter', 'export'],
  },
  {
    id: 'schedule',
    title: 'Scheduled pruning with fine-tuning',
    text: 'Pruning 90 % at once breaks the network; training the remaining weights repairs it. A schedule (TFMOT PolynomialDecay) raises the sparsity step by step while training, so the network adapts as it loses weights.',
    task: 'Start the fine-tuning run. Watch the sparsity ramp up and the accuracy recover. Where does it end compared with the one-shot line?',
    config: {
      view: 'train',
      weights: { format: 'float32' },
      prune: { method: 'magnitude', sparsity: 0.9 },
      train: {
        technique: 'finetune',
        epochs: 3,
        schedule: {
          kind: 'polynomial',
          initialSparsity: 0.5,
          beginStep: 0,
          endStep: 250,
          frequency: 25,
          power: 3,
        },
      },
    },
    hide: ['tab-quantize', 'tab-history', 'tab-tryit', 'export'],
  },
  {
    id: 'distill',
    title: 'Knowledge distillation and temperature',
    text: 'A small student learns from a large teacher’s outputs, not only from the labels. Softened by a temperature T, the teacher’s probabilities show which wrong classes are almost right (“dark knowledge”); the loss is scaled by T² to keep its gradients comparable.',
    task: 'Move T from 1 to 10 and watch the teacher’s soft targets: what appears? Start a run: does the student beat the same network trained from scratch (the baseline curve)?',
    config: {
      view: 'train',
      arch: 'cnn',
      weights: { format: 'float32' },
      train: { technique: 'kd', temperature: 4, epochs: 5 },
    },
    hide: ['tab-quantize', 'tab-prune', 'tab-history', 'tab-tryit', 'export'],
  },
  {
    id: 'sharing',
    title: 'Weight sharing and Huffman coding',
    text: 'k-means clustering replaces every weight by the nearest of k shared values, so each weight is stored as a short index into a codebook. Some indices are far more frequent than others; Huffman coding gives them shorter codes.',
    task: 'With 16 clusters, lower k to 4 and raise it to 64. How many bits per weight does each take? Turn Huffman coding on: how much more does it save, and why?',
    config: { view: 'prune', weights: { format: 'cluster' }, cluster: { k: 16 } },
    hide: [...NOT_PRUNE_TABS, 'mask', 'prunesweep', 'scatter', 'export'],
  },
  {
    id: 'deep-compression',
    title: 'Combining them: Deep Compression',
    text: 'Han et al. (2016) chained pruning, weight sharing and Huffman coding: LeNet-300-100 went from 1,070 KB to 27 KB (40×) at the same accuracy — after retraining at each stage. The pipeline strip shows what each stage saves here, without retraining.',
    task: 'Read the pipeline strip from left to right: how much does each stage save? Compare the total with 40×. Then train (Train tab) to get the lost accuracy back.',
    config: {
      view: 'prune',
      weights: { format: 'cluster' },
      prune: { method: 'magnitude', sparsity: 0.92 },
      cluster: { k: 32 },
      storage: { format: 'csr', huffman: true },
    },
    hide: ['tab-quantize', 'tab-history', 'export'],
  },
  {
    id: 'speed',
    title: 'Why smaller is not always faster',
    text: 'Smaller weights save memory and bandwidth, but speed needs kernels that compute on the small format. Here, as in most simulators, compressed weights are turned back into float32 (“fake quantization”) and run on the same float kernels: the model is smaller on disk, not faster. Unstructured zeros are still multiplied unless a sparse kernel skips them.',
    task: 'Compare the evaluation time on the Model tab (float32) with the time the Quantize tab reports for 2-bit weights. Why are they about the same? What would an integer or a sparse kernel change?',
    config: { view: 'quantize', weights: { format: 'int', bits: 2 } },
    hide: [...NOT_QUANT_TABS, 'sensitivity', 'layers', 'perclass', 'acts', 'worked', 'cluster'],
  },
];

export const LESSON_IDS: readonly string[] = LESSONS.map((l) => l.id);

export function lessonById(id: string | null): Lesson | null {
  return LESSONS.find((l) => l.id === id) ?? null;
}

/** Position in the sequence, 0-based; −1 if not a built-in lesson. */
export function lessonIndex(id: string | null): number {
  return LESSONS.findIndex((l) => l.id === id);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeInto(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (isPlainObject(v) && isPlainObject(target[k])) {
      mergeInto(target[k] as Record<string, unknown>, v);
    } else {
      target[k] = v;
    }
  }
}

/**
 * The config a lesson opens with: the defaults, the lesson's settings, its hidden panels; the
 * projector setting is the room's, kept from `current`.
 */
export function lessonConfig(lesson: Lesson, defaults: Config, current?: Config): Config {
  const c = structuredClone(defaults) as Config;
  mergeInto(c as unknown as Record<string, unknown>, lesson.config as Record<string, unknown>);
  // A shared schedule replaces the default one whole (their fields differ by kind).
  if (lesson.config.train?.schedule)
    c.train.schedule = lesson.config.train.schedule as Config['train']['schedule'];
  c.lesson = lesson.id;
  c.hide = [...new Set(lesson.hide)].sort();
  c.projector = current?.projector ?? defaults.projector;
  return c;
}
