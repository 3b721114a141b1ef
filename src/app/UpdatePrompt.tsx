import { applyUpdate, useUpdateReady } from './serviceWorker';

/** "A new version is available — Reload": shown once a new version has been installed. */
export function UpdatePrompt() {
  const ready = useUpdateReady();
  if (!ready) return null;
  return (
    <div className="notice notice-info update-prompt" role="status">
      <span>A new version is available.</span>
      <button type="button" className="primary" onClick={applyUpdate}>
        Reload
      </button>
    </div>
  );
}
