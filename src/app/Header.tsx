import { serializeConfig } from '../platform/shared/url';
import { useStore } from '../platform/state/store';
import { hasSpareCore } from '../platform/state/secondWorker';
import { useUiPrefs } from '../platform/state/uiPrefs';
import { copyText, linkFor } from '../platform/ui/copyText';

/** Copies the link that reproduces the whole experiment, and says how long it is. */
async function copyLink(): Promise<void> {
  const { config, addNotice } = useStore.getState();
  const link = linkFor(serializeConfig(config));
  const ok = await copyText(link);
  addNotice(
    ok ? 'info' : 'warning',
    ok
      ? `Link copied (${link.length} characters): it opens this experiment with every setting.`
      : `Could not copy the link: copy it from the address bar.`,
  );
}

export function Header() {
  const backend = useStore((s) => s.backend);
  const projector = useStore((s) => s.config.projector);
  const setClassroom = useStore((s) => s.setClassroom);
  const paused = useUiPrefs((s) => s.paused);
  const setPaused = useUiPrefs((s) => s.setPaused);
  const setOverlay = useUiPrefs((s) => s.setOverlay);
  const label = backend
    ? `${backend.name}${backend.name === 'wasm' ? `${backend.simd ? ' · SIMD' : ''} · ${backend.threads} thread${backend.threads === 1 ? '' : 's'}` : ''}`
    : 'tfjs starting…';
  const twoWorkers = hasSpareCore(backend, navigator.hardwareConcurrency);
  return (
    <header className="header">
      <div>
        <h1>Compression Playground</h1>
        <p className="tagline">
          A real, trained network, compressed live in your browser. Every number is measured, not
          looked up.
        </p>
      </div>
      <div className="header-actions" role="group" aria-label="Share and present">
        <button type="button" onClick={() => void copyLink()}>
          Copy link
        </button>
        <button type="button" onClick={() => setOverlay('lessons')} aria-keyshortcuts="L">
          Lessons
        </button>
        <button type="button" onClick={() => setOverlay('maker')}>
          Make lesson link
        </button>
        <button
          type="button"
          aria-pressed={projector}
          onClick={() => setClassroom({ projector: !projector })}
          aria-keyshortcuts="R"
        >
          Projector
        </button>
        <button
          type="button"
          aria-pressed={paused}
          onClick={() => setPaused(!paused)}
          aria-keyshortcuts="P"
        >
          {paused ? 'Resume charts' : 'Pause charts'}
        </button>
        <button
          type="button"
          onClick={() => setOverlay('help')}
          aria-keyshortcuts="Shift+?"
          aria-label="Keyboard shortcuts"
        >
          ?
        </button>
      </div>
      <div className="backend" data-testid="backend">
        <span className="backend-label">Compute backend</span>
        <span className="backend-value">{label}</span>
        {!backend && (
          <span
            className="backend-label"
            title="Until tfjs has started, the compute worker measures accuracies with float activations on the app's own WebAssembly kernels, which form every sum as tfjs's do: the same counts."
          >
            first accuracies: the app&apos;s kernels
          </span>
        )}
        {twoWorkers && (
          <span
            className="backend-label"
            title="Slow models' evaluations and long sweeps are shared between two compute workers, one thread each: one per core."
          >
            long work on 2 workers
          </span>
        )}
        {backend && (
          <span className="backend-label">
            TF.js {backend.tfjsVersion} · isolated: {backend.crossOriginIsolated ? 'yes' : 'no'}
          </span>
        )}
      </div>
    </header>
  );
}
