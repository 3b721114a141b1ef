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

/**
 * Fetches `paths` (relative to the app's base) through the service worker once it controls this
 * page, so that its cache-first rule for data/ and models/ (vite.config.ts) keeps them: files the
 * page loaded before the worker took over (a first visit's Fashion-MNIST test set, which is not
 * precached) are otherwise cached only when next loaded online. True once every one is in the
 * cache storage.
 */
export async function saveForOffline(paths: readonly string[]): Promise<boolean> {
  if (!('serviceWorker' in navigator)) return false;
  const sw = navigator.serviceWorker;
  // clientsClaim gives the worker this page at once; a page it never takes (say, one loaded with
  // the cache bypassed) gives up after 10 s.
  if (!sw.controller)
    await new Promise<void>((resolve) => {
      sw.addEventListener('controllerchange', () => resolve(), { once: true });
      setTimeout(resolve, 10_000);
    });
  if (!sw.controller) return false;
  const base = new URL(import.meta.env.BASE_URL, window.location.origin);
  const urls = paths.map((p) => new URL(p, base).href);
  try {
    const answers = await Promise.all(urls.map((u) => fetch(u)));
    await Promise.all(answers.map((r) => r.arrayBuffer()));
    if (!answers.every((r) => r.ok)) return false;
    // The worker stores a response after handing it over: wait (up to 10 s) until all are there.
    for (let i = 0; i < 20; i++) {
      const found = await Promise.all(urls.map((u) => caches.match(u)));
      if (found.every((r) => r !== undefined)) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
    return false;
  } catch {
    return false;
  }
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
