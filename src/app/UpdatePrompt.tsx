import { applyUpdate, dismissUpdate, useUpdateReady } from './serviceWorker';

/**
 * "A new version of the app is ready": shown once a new version has been installed, with Reload
 * (switch now) and Later (hide this until the next visit). The live region is always in the page,
 * so screen readers announce the prompt when it appears.
 */
export function UpdatePrompt() {
  const ready = useUpdateReady();
  return (
    <div className="notices" aria-live="polite">
      {ready && (
        <div className="notice notice-info update-prompt" role="status">
          <span>A new version of the app is ready. Reloading keeps your settings.</span>
          <span className="update-prompt-actions">
            <button type="button" className="primary" onClick={applyUpdate}>
              Reload
            </button>
            <button type="button" className="update-later" onClick={dismissUpdate}>
              Later
            </button>
          </span>
        </div>
      )}
    </div>
  );
}
