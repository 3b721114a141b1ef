/// <reference types="vite-plugin-pwa/vanillajs" />
import { useSyncExternalStore } from 'react';
import { registerSW } from 'virtual:pwa-register';

/**
 * The service worker that lets the app work offline after the first visit (vite.config.ts says
 * what it caches). A new version is installed in the background and waits: the page shows
 * "A new version of the app is ready" (UpdatePrompt), and only its Reload button switches to it;
 * Later hides the prompt until the next visit, when the waiting version is offered again.
 *
 * The browser looks for a new version at every visit; an open page also asks every hour (while
 * it is visible and online), so a tab left open for days still hears of one.
 */

const UPDATE_CHECK_MS = 60 * 60 * 1000;

let updateReady = false;
let registration: ServiceWorkerRegistration | undefined;
const listeners = new Set<() => void>();

function setUpdateReady(ready: boolean): void {
  updateReady = ready;
  for (const l of listeners) l();
}

export function startServiceWorker(onOfflineReady: () => void): void {
  if (!('serviceWorker' in navigator)) return;
  registerSW({
    onNeedRefresh: () => setUpdateReady(true),
    onOfflineReady,
    onRegisteredSW(_url, r) {
      registration = r;
      if (!r) return;
      setInterval(() => {
        if (!navigator.onLine || document.visibilityState !== 'visible') return;
        // A failed check (a server that does not answer) is retried at the next one.
        r.update().catch(() => undefined);
      }, UPDATE_CHECK_MS);
    },
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

/**
 * Activates the waiting version and reloads once it controls the page. (vite-plugin-pwa's own
 * update function reloads only when the page had a service worker when it loaded, so not on the
 * first visit's page, which the new version would then control without its code running.)
 * With none waiting (another tab has switched already) a reload alone loads the new version.
 */
export function applyUpdate(): void {
  const waiting = registration?.waiting;
  if (!waiting) {
    window.location.reload();
    return;
  }
  navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), {
    once: true,
  });
  // What Workbox's service worker listens for (workbox-window's messageSkipWaiting sends it too).
  waiting.postMessage({ type: 'SKIP_WAITING' });
}

/** Hides the prompt; the new version stays installed and is offered again at the next visit. */
export function dismissUpdate(): void {
  setUpdateReady(false);
}
