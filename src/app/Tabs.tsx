import { useRef } from 'react';
import type { KeyboardEvent } from 'react';
import type { View } from '../platform/shared/config';
import { useStore } from '../platform/state/store';
import { isShown } from '../platform/shared/panels';
import type { Panel } from '../platform/shared/panels';

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
  {
    id: 'train',
    label: 'Train',
    hint: 'Repair compression by training: fine-tune after pruning, quantization-aware training, distillation.',
  },
  {
    id: 'tryit',
    label: 'Try it',
    hint: 'Draw a digit or pick a test image: the original and the compressed model side by side.',
  },
  {
    id: 'history',
    label: 'History',
    hint: 'Every measurement and training run kept in this browser, compared on a Pareto chart.',
  },
];

/** The id of the one tab panel (App renders the selected view in it). */
export const TAB_PANEL_ID = 'view-panel';

/** The id of a view's tab: the tab panel is labelled by the selected one. */
export function tabId(view: View): string {
  return `tab-${view}`;
}

/**
 * The views as a WAI-ARIA tab list with automatic activation: Left/Right (wrapping), Home and End
 * move the focus and select the view. Only the selected tab is in the Tab order (roving
 * tabindex); Tab from it goes into the panel.
 */
export function Tabs() {
  const view = useStore((s) => s.config.view);
  const hide = useStore((s) => s.config.hide);
  const setView = useStore((s) => s.setView);
  const buttons = useRef(new Map<View, HTMLButtonElement>());
  // A lesson may hide tabs that are not its point; the current view's tab always stays.
  const tabs = TABS.filter((t) => t.id === view || isShown(hide, `tab-${t.id}` as Panel));

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const current = tabs.findIndex((t) => t.id === view);
    const n = tabs.length;
    const next = new Map([
      ['ArrowRight', (current + 1) % n],
      ['ArrowLeft', (current - 1 + n) % n],
      ['Home', 0],
      ['End', n - 1],
    ]).get(e.key);
    if (next === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    const id = tabs[next]!.id;
    setView(id);
    buttons.current.get(id)?.focus();
  };

  return (
    <div className="tabs" role="tablist" aria-label="Views" onKeyDown={onKeyDown}>
      {tabs.map((t) => {
        const selected = view === t.id;
        return (
          <button
            key={t.id}
            ref={(el) => {
              if (el) buttons.current.set(t.id, el);
              else buttons.current.delete(t.id);
            }}
            id={tabId(t.id)}
            type="button"
            role="tab"
            aria-selected={selected}
            aria-controls={TAB_PANEL_ID}
            tabIndex={selected ? 0 : -1}
            className={selected ? 'tab active' : 'tab'}
            title={t.hint}
            onClick={() => setView(t.id)}
          >
            {t.label}
          </button>
        );
      })}
    </div>
  );
}
