import type { View } from '../core/config';
import { useStore } from '../state/store';

const TABS: { id: View; label: string; hint: string }[] = [
  {
    id: 'model',
    label: 'Model',
    hint: 'The trained network as it is: float32 weights, measured accuracy.',
  },
  {
    id: 'quantize',
    label: 'Quantize',
    hint: 'Store weights and activations in 1–8 bits and see what it costs.',
  },
  {
    id: 'prune',
    label: 'Prune & cluster',
    hint: 'Remove weights, share the rest, store them sparsely: the Deep Compression pipeline.',
  },
];

export function Tabs() {
  const view = useStore((s) => s.config.view);
  const setView = useStore((s) => s.setView);
  return (
    <nav className="tabs" role="tablist" aria-label="Views">
      {TABS.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={view === t.id}
          className={view === t.id ? 'tab active' : 'tab'}
          title={t.hint}
          onClick={() => setView(t.id)}
        >
          {t.label}
        </button>
      ))}
    </nav>
  );
}
