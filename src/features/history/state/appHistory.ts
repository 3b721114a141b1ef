import { useStore } from '../../../platform/state/store';
import { trainedStore } from '../../model/state';
import { startAutosave } from './autosave';
import type { RunsSource } from './autosave';
import { createHistoryState } from './historyState';
import { openHistoryStore } from './historyStore';

/**
 * The app's history: one IndexedDB database of its own, read at start (so the first save can
 * dedupe), and the autosave over the app store and the training runs. Storage failures become
 * one warning notice each; the app works on without a history.
 */
export const useHistory = createHistoryState({
  open: () => openHistoryStore(),
  notify: (text) => useStore.getState().addNotice('warning', text),
});

/** Starts the autosave (start.tsx, once); returns its stop function. */
export function startHistoryAutosave(runs: RunsSource): () => void {
  void useHistory.getState().load();
  return startAutosave({
    store: useStore,
    runs,
    save: (draft) => useHistory.getState().save(draft),
    getTrainedModel: async (id) => {
      const store = await trainedStore;
      return store.get(id as Parameters<typeof store.get>[0]);
    },
  });
}
