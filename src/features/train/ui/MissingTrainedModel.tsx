import './train.css';
import { useTrainedList } from '../../model/state';
import { useStore } from '../../../platform/state/store';
import { useRuns } from '../state/appRuns';
import { describeModel, describeRecipe } from '../state/runName';

/**
 * A link named a model trained in another browser: its weights never travel in links, but its
 * recipe does. Offer to re-run it here (seeded: the same curve on the same browser and backend).
 */
export function MissingTrainedModel() {
  const recipe = useTrainedList((s) => s.missing);
  const dismiss = useTrainedList((s) => s.dismissMissing);
  const startRun = useRuns((s) => s.startRun);
  const setView = useStore((s) => s.setView);
  if (!recipe) return null;
  return (
    <section className="panel missing-model" aria-label="Model from the link" aria-live="polite">
      <p>
        The link names <b>{describeModel(recipe)}</b>, {describeRecipe(recipe)}, trained in another
        browser. Its weights are not in links, but its recipe is: the shipped model is shown
        meanwhile.
      </p>
      <div className="run-actions">
        <button
          type="button"
          className="primary"
          onClick={() => {
            startRun(recipe);
            setView('train');
            dismiss();
          }}
        >
          Re-run its recipe
        </button>
        <button type="button" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    </section>
  );
}
