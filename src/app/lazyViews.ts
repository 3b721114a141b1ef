import { lazy } from 'react';

/**
 * The views past the first screen, loaded when first opened: the Model tab and the shell are in
 * the main bundle, each other tab (with its charts and controls) is its own chunk, so the first
 * screen loads and starts its workers sooner.
 */
export const QuantizeView = lazy(() =>
  import('../features/quantize/ui/QuantizeView').then((m) => ({ default: m.QuantizeView })),
);
export const QuantControls = lazy(() =>
  import('../features/quantize/ui/QuantControls').then((m) => ({ default: m.QuantControls })),
);
export const PruneView = lazy(() =>
  import('../features/prune/ui/PruneView').then((m) => ({ default: m.PruneView })),
);
export const PruneControls = lazy(() =>
  import('../features/prune/ui/PruneControls').then((m) => ({ default: m.PruneControls })),
);
export const TrainView = lazy(() =>
  import('../features/train/ui/TrainView').then((m) => ({ default: m.TrainView })),
);
export const TrainControls = lazy(() =>
  import('../features/train/ui/TrainControls').then((m) => ({ default: m.TrainControls })),
);
export const TryItView = lazy(() =>
  import('../features/tryit/ui/TryItView').then((m) => ({ default: m.TryItView })),
);
export const HistoryView = lazy(() =>
  import('../features/history/ui/HistoryView').then((m) => ({ default: m.HistoryView })),
);
