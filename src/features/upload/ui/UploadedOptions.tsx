import { useUploads } from '../state/appUploads';
import type { UploadedModelInfo } from '../store/uploadStore';
import { formatBytes } from './formatBytes';

/** The uploaded models, as a group of the model picker's options. */
export function UploadedOptions() {
  const models = useUploads((s) => s.models);
  if (models.length === 0) return null;
  return (
    <optgroup label="Uploaded in this browser">
      {models.map((m) => (
        <option key={m.id} value={m.id}>
          {m.name} ({m.evaluation === 'none' ? 'uploaded, weights only' : 'uploaded'})
        </option>
      ))}
    </optgroup>
  );
}

/** The picker's description of the uploaded model `id` (null if it is not listed yet). */
export function useUploadedBlurb(id: string | null): string | null {
  const m = useUploads((s) => (id ? s.models.find((x) => x.id === id) : undefined));
  return m ? uploadedBlurb(m) : null;
}

export function uploadedBlurb(m: UploadedModelInfo): string {
  const how =
    m.evaluation === 'dataset'
      ? 'Evaluated on the test images of the dataset picked above.'
      : m.evaluation === 'fidelity'
        ? 'Accuracy in the labs is fidelity: top-1 agreement with the original model on 1,000 seeded synthetic inputs of its input shape.'
        : `Not evaluated: the labs show and compress each weight tensor. ${m.why}`;
  return `${m.name}: uploaded ${m.kind} model, ${formatBytes(m.bytes)} of files (${m.files.join(', ')}). ${how} Kept in this browser only: a link to this experiment names the model, and whoever opens it needs these files.`;
}
