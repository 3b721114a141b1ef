import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../shared/config';
import { parseConfig, serializeConfig } from '../shared/url';
import { createAppStore } from './store';
import { startUrlSync } from './urlSync';

/**
 * URL sync against a small browser stand-in (a session history with entries, hash, back and
 * forward that fire popstate and hashchange as a browser does), with fake clocks: a change of
 * model, dataset or lesson pushes a history entry, finer changes replace the current one after a
 * debounce, Back and Forward bring the config back, and a link typed into the address bar wins
 * over a write still pending.
 */

const WRITE_DELAY_MS = 150;

class FakeBrowser {
  entries: { hash: string; state: unknown }[];
  index = 0;
  pushes = 0;
  replaces = 0;
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(hash: string) {
    this.entries = [{ hash, state: null }];
  }

  get hash(): string {
    return this.entries[this.index]!.hash;
  }

  readonly location = (() => {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const browser = this;
    return {
      get hash() {
        return browser.hash;
      },
    };
  })();

  readonly history = {
    pushState: (state: unknown, _title: string, url: string) => {
      this.entries = this.entries.slice(0, this.index + 1);
      this.entries.push({ hash: url, state });
      this.index++;
      this.pushes++;
    },
    replaceState: (state: unknown, _title: string, url: string) => {
      this.entries[this.index] = { hash: url, state };
      this.replaces++;
    },
    get state(): unknown {
      return null;
    },
  };

  addEventListener(type: string, l: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(l);
  }

  removeEventListener(type: string, l: () => void): void {
    this.listeners.get(type)?.delete(l);
  }

  private fire(...types: string[]): void {
    for (const t of types) for (const l of this.listeners.get(t) ?? []) l();
  }

  /** The user presses Back / Forward: popstate, then hashchange (the hash differs). */
  go(delta: number): void {
    this.index += delta;
    this.fire('popstate', 'hashchange');
  }

  /** The user types or pastes a link: a new entry, and hashchange. */
  type(hash: string): void {
    this.entries = this.entries.slice(0, this.index + 1);
    this.entries.push({ hash: `#${hash}`, state: null });
    this.index++;
    this.fire('hashchange');
  }

  get listenerCount(): number {
    return [...this.listeners.values()].reduce((a, s) => a + s.size, 0);
  }
}

describe('URL sync', () => {
  let browser: FakeBrowser;
  let stop: (() => void) | null = null;

  function start(hash: string) {
    browser = new FakeBrowser(hash);
    vi.stubGlobal('window', browser);
    vi.stubGlobal('history', browser.history);
    const store = createAppStore();
    stop = startUrlSync(store);
    return store;
  }

  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    stop?.();
    stop = null;
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('reads the link on boot and canonicalises the address bar without a new entry', () => {
    const store = start('#v=3&data=fashion&model=cnn&wb=4&bogus=1');
    const s = store.getState();
    expect(s.config.dataset).toBe('fashion');
    expect(s.config.arch).toBe('cnn');
    expect(s.config.weights.bits).toBe(4);
    expect(s.notices.map((n) => n.text)).toEqual([
      'This link had problems: Ignored unknown setting: bogus.',
    ]);
    expect(browser.entries).toHaveLength(1);
    expect(browser.pushes).toBe(0);
    expect(browser.hash).toBe(`#${serializeConfig(s.config)}`);
    expect(browser.hash).not.toContain('bogus');
  });

  it('an older link is opened as meant, with an info notice and no warning', () => {
    const store = start('#v=2&data=mnist&model=mlp&w=int&wb=8');
    expect(store.getState().notices.map((n) => n.kind)).toEqual(['info']);
  });

  it('finer changes replace the entry once, after the debounce; nothing is written before', () => {
    const store = start('');
    const replaces = browser.replaces;
    for (const bits of [7, 6, 5, 4, 3]) {
      store.getState().setWeightQuant({ bits });
      vi.advanceTimersByTime(WRITE_DELAY_MS / 3);
    }
    // 5 changes 50 ms apart: the debounce never ran out.
    expect(browser.replaces).toBe(replaces);
    vi.advanceTimersByTime(WRITE_DELAY_MS);
    expect(browser.replaces).toBe(replaces + 1);
    expect(browser.pushes).toBe(0);
    expect(browser.entries).toHaveLength(1);
    expect(parseConfig(browser.hash).config.weights.bits).toBe(3);
  });

  it('a new model, dataset or lesson pushes an entry; Back and Forward bring each back', () => {
    const store = start('');
    store.getState().setWeightQuant({ bits: 4 });
    vi.advanceTimersByTime(WRITE_DELAY_MS);
    store.getState().setArch('cnn');
    vi.advanceTimersByTime(WRITE_DELAY_MS);
    store.getState().setDataset('fashion');
    vi.advanceTimersByTime(WRITE_DELAY_MS);
    store.getState().setBins(64);
    vi.advanceTimersByTime(WRITE_DELAY_MS);
    store.getState().setClassroom({ lesson: 'bits' });
    vi.advanceTimersByTime(WRITE_DELAY_MS);
    expect(browser.pushes).toBe(3); // model, dataset, lesson; not bits, not bins
    expect(browser.entries).toHaveLength(4);

    browser.go(-1);
    let c = store.getState().config;
    expect([c.dataset, c.arch, c.bins, c.lesson]).toEqual(['fashion', 'cnn', 64, null]);
    browser.go(-1);
    c = store.getState().config;
    expect([c.dataset, c.arch, c.weights.bits]).toEqual(['mnist', 'cnn', 4]);
    browser.go(-1);
    c = store.getState().config;
    expect([c.dataset, c.arch, c.weights.bits]).toEqual(['mnist', 'mlp', 4]);
    browser.go(2);
    expect(store.getState().config.dataset).toBe('fashion');
    // Reading a history entry writes nothing back: no entry added or replaced.
    const [pushes, replaces] = [browser.pushes, browser.replaces];
    vi.advanceTimersByTime(WRITE_DELAY_MS * 2);
    expect([browser.pushes, browser.replaces]).toEqual([pushes, replaces]);
    expect(browser.entries).toHaveLength(4);
  });

  it('a link typed while a write is pending wins: the pending write is dropped', () => {
    const store = start('');
    store.getState().setWeightQuant({ bits: 2 });
    vi.advanceTimersByTime(WRITE_DELAY_MS / 2);
    browser.type('v=3&data=fashion&wb=6');
    vi.advanceTimersByTime(WRITE_DELAY_MS * 2);
    expect(store.getState().config.dataset).toBe('fashion');
    expect(store.getState().config.weights.bits).toBe(6);
    expect(parseConfig(browser.hash).config.weights.bits).toBe(6);
  });

  it('a bad link typed into the address bar gives a notice; the app keeps a valid config', () => {
    const store = start('');
    browser.type('v=3&wb=99&__proto__=1');
    const s = store.getState();
    expect(s.config.weights.bits).toBe(8);
    expect(s.notices.at(-1)?.text).toMatch(/^This link had problems: .*outside.*__proto__/);
    expect(s.config).toEqual(parseConfig(browser.hash).config);
  });

  it('stops listening when stopped', () => {
    const store = start('');
    expect(browser.listenerCount).toBe(2);
    stop?.();
    stop = null;
    expect(browser.listenerCount).toBe(0);
    store.getState().setArch('cnn');
    vi.advanceTimersByTime(WRITE_DELAY_MS);
    expect(browser.pushes).toBe(0);
    expect(store.getState().config).not.toEqual(DEFAULT_CONFIG);
  });
});
