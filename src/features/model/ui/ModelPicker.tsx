import { useId, useMemo } from 'react';
import { ARCHS, DATASETS } from '../shared/catalog';
import type { ArchId, DatasetId } from '../shared/catalog';
import { useStore } from '../../../platform/state/store';
import { isTrainedModelId, isUploadedModelId } from '../shared/modelId';
import { UploadControl, UploadedOptions, useUploadedBlurb } from '../../upload/ui';
import { useTrainedList } from '../state/appTrained';
import { formatPercent } from '../../../platform/shared/format';

export function ModelPicker() {
  const dataset = useStore((s) => s.config.dataset);
  const arch = useStore((s) => s.config.arch);
  const setDataset = useStore((s) => s.setDataset);
  const setArch = useStore((s) => s.setArch);
  const trained = useStore((s) => s.config.trained);
  const pickTrained = useStore((s) => s.pickTrainedModel);
  const uploaded = useStore((s) => s.config.uploaded);
  const pickUploaded = useStore((s) => s.pickUploadedModel);
  const uploadedBlurb = useUploadedBlurb(uploaded);
  const all = useTrainedList((s) => s.models);
  const ours = useMemo(() => all.filter((m) => m.dataset === dataset), [all, dataset]);
  const picked = trained ? (ours.find((m) => m.id === trained) ?? null) : null;
  const datasetInfo = DATASETS.find((d) => d.id === dataset);
  const archInfo = ARCHS.find((a) => a.id === arch);
  const datasetBlurb = useId();
  const archBlurb = useId();
  return (
    <section className="panel picker" aria-label="Model selection">
      <label className="field">
        <span>Dataset</span>
        <select
          aria-label="Dataset"
          aria-describedby={datasetBlurb}
          value={dataset}
          onChange={(e) => setDataset(e.target.value as DatasetId)}
        >
          {DATASETS.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
        <small id={datasetBlurb}>{datasetInfo?.blurb}</small>
      </label>
      <label className="field">
        <span>Model</span>
        <select
          aria-label="Model"
          aria-describedby={archBlurb}
          value={uploaded ?? trained ?? arch}
          onChange={(e) => {
            const v = e.target.value;
            if (isUploadedModelId(v)) return pickUploaded(v);
            const m = isTrainedModelId(v) ? ours.find((x) => x.id === v) : undefined;
            if (m) pickTrained(m.id, m.dataset, m.arch.kind, JSON.stringify(m.recipe));
            else setArch(v as ArchId);
          }}
        >
          <optgroup label="Shipped, trained by the project">
            {ARCHS.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </optgroup>
          {ours.length > 0 && (
            <optgroup label="Trained in this browser">
              {ours.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </optgroup>
          )}
          <UploadedOptions />
        </select>
        <small id={archBlurb} data-testid="model-blurb">
          {uploadedBlurb ??
            (picked
              ? `${picked.name}: ${formatPercent(picked.testAccuracy)} on the test set when its run ended (from ${formatPercent(picked.initialTestAccuracy)}). Kept in this browser; the labs work on it like on a shipped model.`
              : archInfo?.blurb)}
        </small>
      </label>
      <UploadControl />
    </section>
  );
}
