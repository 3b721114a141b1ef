/// <reference types="vite-plugin-pwa/vanillajs" />
import { useSyncExternalStore } from 'react';
import { registerSW } from 'virtual:pwa-register';

/**
 * The service worker that lets the app work offline after the first visit (vite.config.ts says
 * what it caches). A new version is installed in the background and waits: the page shows
 * "A new version is available — Reload" (UpdatePrompt), and only that button switches.
 */

let updateReady = false;
let update: ((reloadPage?: boolean) => Promise<void>) | null = null;
const listeners = new Set<() => void>();

export function startServiceWorker(onOfflineReady: () => void): void {
  if (!('serviceWorker' in navigator)) return;
  update = registerSW({
    onNeedRefresh() {
      updateReady = true;
      for (const l of listeners) l();
    },
    onOfflineReady,
    // No service worker (a private window, a browser that blocks them): the app works online.
    onRegisterError: () => undefined,
  });
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** Whether a new version is installed and waits for the user's Reload. */
export function useUpdateReady(): boolean {
  return useSyncExternalStore(subscribe, () => updateReady);
}

/** Activates the waiting version; the page reloads once it controls it. */
export function applyUpdate(): void {
  void update?.(true);
}
