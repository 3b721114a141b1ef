/**
 * What `@tensorflow/tfjs` means in this app's bundles (vite.config.ts aliases the package name
 * here): the union package without what the app does not run at first — the WebGL backend (the
 * workers use wasm: backend.ts says why), the cpu backend (backend.ts loads it only if wasm
 * cannot start), tfjs-data and the converter (graph models are read by the upload feature's own
 * reader, not `tf.loadGraphModel`). The rest is what `@tensorflow/tfjs` 4.22's index exports:
 * core with its gradients and chained ops, and layers. The compute worker's bundle went from
 * 2.19 MB (371 KB gzip) to 1.37 MB (252 KB gzip), so a cold visit reaches its first accuracy
 * sooner (bench/app.ts, cold start). Unit tests in Node import the real package.
 */
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { version_core } from '@tensorflow/tfjs-core';
import { version_layers } from '@tensorflow/tfjs-layers';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';

export const version = {
  'tfjs-core': version_core,
  'tfjs-layers': version_layers,
  tfjs: version_core,
};
