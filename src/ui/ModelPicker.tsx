import { useId } from 'react';
import { ARCHS, DATASETS } from '../core/catalog';
import type { ArchId, DatasetId } from '../core/catalog';
import { useStore } from '../state/store';

export function ModelPicker() {
  const dataset = useStore((s) => s.config.dataset);
  const arch = useStore((s) => s.config.arch);
  const setDataset = useStore((s) => s.setDataset);
  const setArch = useStore((s) => s.setArch);
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
          value={arch}
          onChange={(e) => setArch(e.target.value as ArchId)}
        >
          {ARCHS.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label}
            </option>
          ))}
        </select>
        <small id={archBlurb}>{archInfo?.blurb}</small>
      </label>
    </section>
  );
}
