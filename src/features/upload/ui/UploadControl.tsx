import { useId, useState } from 'react';
import type { DragEvent } from 'react';
import './upload.css';
import { fileInput, useUploads } from '../state/appUploads';
import { useStore } from '../../../platform/state/store';
import { MAX_MODEL_JSON_BYTES, MAX_WEIGHTS_BYTES } from '../shared/limits';
import { formatBytes } from './formatBytes';
import { FidelityResult } from './FidelityResult';
import { formatInt } from '../../../platform/shared/format';

/**
 * "Upload a model": a file input (several files) and a drop zone for model.json (or a weights
 * manifest) and its .bin files. Everything the files say is shown as text, never as HTML. A
 * failed upload lists its problems and leaves the app on its previous model.
 */
export function UploadControl() {
  const status = useUploads((s) => s.status);
  const upload = useUploads((s) => s.upload);
  const dismiss = useUploads((s) => s.dismiss);
  const models = useUploads((s) => s.models);
  const remove = useUploads((s) => s.remove);
  const missing = useUploads((s) => s.missing);
  const current = useStore((s) => s.config.uploaded);
  const [over, setOver] = useState(false);
  const hint = useId();
  const take = (list: FileList | null) => {
    if (!list || list.length === 0) return;
    void upload(Array.from(list, fileInput));
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    take(e.dataTransfer.files);
  };
  return (
    <section className="upload" aria-label="Upload a model">
      {missing && (
        <p className="upload-missing" data-testid="upload-missing">
          The link is for a model uploaded in another browser (fingerprint{' '}
          <code>{missing.slice('uploaded:'.length, 'uploaded:'.length + 12)}…</code>). Links never
          carry the files: upload its model.json and weight files to open it. The shipped model is
          shown meanwhile.
        </p>
      )}
      <div
        className={`upload-drop${over ? ' over' : ''}`}
        data-testid="upload-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <label className="field">
          <span>Upload a model</span>
          <input
            type="file"
            multiple
            accept=".json,.bin,application/json,application/octet-stream"
            aria-describedby={hint}
            data-testid="upload-input"
            onChange={(e) => {
              take(e.target.files);
              e.target.value = '';
            }}
          />
        </label>
        <small id={hint}>
          Choose or drop a TF.js model.json (or *weights_manifest.json) with its .bin files; at most{' '}
          {formatBytes(MAX_MODEL_JSON_BYTES)} of JSON and {formatBytes(MAX_WEIGHTS_BYTES)} of
          weights. They stay in this browser.
        </small>
      </div>
      <FidelityResult />
      <div aria-live="polite" data-testid="upload-status">
        {status.kind === 'reading' && <p className="muted">Reading {status.files.join(', ')}…</p>}
        {status.kind === 'done' && (
          <div className="upload-done">
            <p>
              <b>{status.name}</b> is open. {status.why}
            </p>
            {status.warnings.map((w) => (
              <p key={w} className="muted">
                {w}
              </p>
            ))}
          </div>
        )}
      </div>
      {status.kind === 'failed' && (
        <div className="upload-problems" role="alert" data-testid="upload-problems">
          <p>
            <b>Could not open {status.files.join(', ')}</b> (the previous model stays):
          </p>
          <ul>
            {status.problems.map((p, i) => (
              <li key={i}>{p.message}</li>
            ))}
          </ul>
          <button type="button" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
      {models.length > 0 && (
        <details className="upload-list">
          <summary>Uploaded in this browser ({models.length})</summary>
          <ul>
            {models.map((m) => (
              <li key={m.id}>
                <span>
                  <b>{m.name}</b>
                  {m.id === current ? ' (open)' : ''} · {m.kind} model, {formatInt(m.params)}{' '}
                  values, {formatBytes(m.bytes)} of files ·{' '}
                  {m.evaluation === 'dataset'
                    ? 'evaluated on the test images'
                    : m.evaluation === 'fidelity'
                      ? 'fidelity on synthetic inputs'
                      : 'weights only: not run'}
                </span>
                <button
                  type="button"
                  aria-label={`Delete the uploaded model ${m.name}`}
                  onClick={() => void remove(m.id)}
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
