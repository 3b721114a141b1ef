import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // Test files share their worker's module registry instead of each importing tfjs and the app's
    // modules afresh: the unit run went from 173-209 s to 102-110 s (import time 28 -> 7 s), with
    // all 1,131 tests passing in the default order and in a shuffled one (--sequence.shuffle.files
    // --sequence.seed=7). A test that leaves global state behind can now affect a later file: undo
    // what you change (fake timers, backends, globals) in afterEach.
    isolate: false,
    // Vitest's default is one worker fewer than the cores: one on a 2-core machine, where the
    // files then ran one at a time (170 s). The main process only waits on its workers, so at
    // least two: 105 s on 2 cores when this was set, all 1,214 tests passing (70 s since three
    // files moved from tfjs's cpu backend to wasm).
    maxWorkers: Math.max(availableParallelism() - 1, 2),
  },
});
