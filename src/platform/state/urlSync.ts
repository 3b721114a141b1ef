import { modelKey } from '../shared/config';
import { isOlderLinkNote, parseConfig, serializeConfig } from '../shared/url';
import type { Config } from '../shared/config';
import type { Store } from './store';

const WRITE_DELAY_MS = 150;

/**
 * Keeps the URL hash and the config in step. On boot and on every hashchange/popstate the hash
 * is parsed (pure, total) and problems become a notice. Config changes are written back after a
 * short debounce: a change of dataset, model or lesson pushes a history entry (so Back returns to the
 * previous model); finer changes replace the current entry rather than flooding history.
 */
/** A new model or a new lesson is a new place: Back returns to the previous one. */
function place(config: Config): string {
  return `${modelKey(config)}|${config.lesson ?? ''}`;
}

export function startUrlSync(store: Store): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastWritten = '';
  /** The model and lesson of the hash last read or written: a new one pushes a history entry. */
  let lastModel = '';

  const readHash = () => {
    const { config, problems } = parseConfig(window.location.hash);
    lastWritten = serializeConfig(config);
    lastModel = place(config);
    store.getState().replaceConfig(config);
    // An older link is not a problem: it is read as it was meant, and the notice only says so.
    const notes = problems.filter(isOlderLinkNote);
    const real = problems.filter((p) => !isOlderLinkNote(p));
    if (notes.length > 0) store.getState().addNotice('info', notes.join(' '));
    if (real.length > 0) {
      store.getState().addNotice('warning', `This link had problems: ${real.join(' ')}`);
    }
  };

  readHash();
  // Canonicalise the address bar (fills in defaults, drops what was ignored) without a new entry.
  if (window.location.hash.slice(1) !== lastWritten) {
    history.replaceState(history.state, '', `#${lastWritten}`);
  }

  const write = () => {
    timer = null;
    const config = store.getState().config;
    const hash = serializeConfig(config);
    if (hash === lastWritten) return;
    const major = place(config) !== lastModel;
    lastWritten = hash;
    lastModel = place(config);
    if (major) history.pushState(null, '', `#${hash}`);
    else history.replaceState(history.state, '', `#${hash}`);
  };

  const unsubscribe = store.subscribe((s, prev) => {
    if (s.config === prev.config) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(write, WRITE_DELAY_MS);
  });

  const onNavigate = () => {
    if (window.location.hash.slice(1) === lastWritten) return;
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    readHash();
  };
  window.addEventListener('hashchange', onNavigate);
  window.addEventListener('popstate', onNavigate);

  return () => {
    unsubscribe();
    window.removeEventListener('hashchange', onNavigate);
    window.removeEventListener('popstate', onNavigate);
    if (timer !== null) clearTimeout(timer);
  };
}
