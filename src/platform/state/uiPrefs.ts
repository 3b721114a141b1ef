import { create } from 'zustand';

/**
 * Preferences of this screen that are not part of the experiment (so not in the link): whether
 * live charts are paused (WCAG 2.2.2), whether single-key shortcuts are on (WCAG 2.1.4: they can
 * be turned off), and which overlay is open.
 */
export interface UiPrefs {
  /** Live charts keep what they show until resumed; the measurements go on underneath. */
  readonly paused: boolean;
  readonly shortcuts: boolean;
  readonly overlay: 'none' | 'help' | 'lessons' | 'maker';
  setPaused(paused: boolean): void;
  setShortcuts(on: boolean): void;
  setOverlay(overlay: UiPrefs['overlay']): void;
}

const SHORTCUTS_KEY = 'cp-shortcuts';

function storedShortcuts(): boolean {
  try {
    return globalThis.localStorage?.getItem(SHORTCUTS_KEY) !== 'off';
  } catch {
    return true; // storage blocked: shortcuts stay on, the toggle still works for this visit
  }
}

export const useUiPrefs = create<UiPrefs>((set) => ({
  paused: false,
  shortcuts: storedShortcuts(),
  overlay: 'none',
  setPaused: (paused) => set({ paused }),
  setShortcuts: (on) => {
    try {
      globalThis.localStorage?.setItem(SHORTCUTS_KEY, on ? 'on' : 'off');
    } catch {
      // not kept across visits; nothing else depends on it
    }
    set({ shortcuts: on });
  },
  setOverlay: (overlay) => set({ overlay }),
}));
