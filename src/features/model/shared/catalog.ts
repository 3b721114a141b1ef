/**
 * What ships with the app: the datasets and, for each, the trained models. Static so that the
 * config schema can validate ids without a network round trip; the files themselves are built by
 * `npm run build:data` and `npm run train:models` (see docs/data-and-models.md).
 */

export const DATASET_IDS = ['mnist', 'fashion'] as const;
export type DatasetId = (typeof DATASET_IDS)[number];

export const ARCH_IDS = ['mlp', 'cnn'] as const;
export type ArchId = (typeof ARCH_IDS)[number];

export interface DatasetInfo {
  readonly id: DatasetId;
  readonly label: string;
  readonly blurb: string;
}

export interface ArchInfo {
  readonly id: ArchId;
  readonly label: string;
  readonly blurb: string;
}

export const DATASETS: readonly DatasetInfo[] = [
  { id: 'mnist', label: 'MNIST digits', blurb: 'Handwritten digits 0–9, 28×28 grey pixels.' },
  {
    id: 'fashion',
    label: 'Fashion-MNIST',
    blurb: 'Zalando clothing photos in 10 classes, 28×28 grey pixels: harder than digits.',
  },
];

export const ARCHS: readonly ArchInfo[] = [
  {
    id: 'mlp',
    label: 'MLP (LeNet-300-100)',
    blurb: 'Fully connected 784-300-100-10, the network of the Deep Compression paper.',
  },
  {
    id: 'cnn',
    label: 'CNN (LeNet-5-like)',
    blurb: 'Two 5×5 convolutions with max-pooling, then 120-84-10 dense layers.',
  },
];

/** Folder name of a shipped model under `public/models/`. */
export function modelId(dataset: DatasetId, arch: ArchId): string {
  return `${dataset}-${arch}`;
}
