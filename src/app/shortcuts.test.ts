import { describe, expect, it } from 'vitest';
import { shortcutFor } from './shortcuts';
import type { KeyPress } from './shortcuts';

const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  targetTag: 'body',
  targetRole: null,
  targetEditable: false,
  ...over,
});

describe('keyboard shortcuts', () => {
  it('maps the presentation keys', () => {
    expect(shortcutFor(press('f'), true)).toBe('fullscreen');
    expect(shortcutFor(press('?'), true)).toBe('help');
    expect(shortcutFor(press('ArrowRight'), true)).toBe('lessonNext');
    expect(shortcutFor(press('ArrowLeft', { targetTag: 'button' }), true)).toBe('lessonPrev');
    expect(shortcutFor(press('3'), true)).toEqual({ view: 2 });
    expect(shortcutFor(press(']'), true)).toBe('bitsUp');
    expect(shortcutFor(press('x'), true)).toBeNull();
  });

  it('can be turned off (WCAG 2.1.4)', () => {
    expect(shortcutFor(press('f'), false)).toBeNull();
    expect(shortcutFor(press('ArrowRight'), false)).toBeNull();
  });

  it('never fires while typing or with a modifier', () => {
    expect(shortcutFor(press('f', { targetTag: 'input' }), true)).toBeNull();
    expect(shortcutFor(press('1', { targetTag: 'select' }), true)).toBeNull();
    expect(shortcutFor(press('p', { targetEditable: true }), true)).toBeNull();
    expect(shortcutFor(press('f', { ctrlKey: true }), true)).toBeNull();
    expect(shortcutFor(press('r', { metaKey: true }), true)).toBeNull();
  });

  it('leaves the arrows to controls that use them', () => {
    expect(shortcutFor(press('ArrowRight', { targetRole: 'tab' }), true)).toBeNull();
    expect(shortcutFor(press('ArrowLeft', { targetRole: 'slider' }), true)).toBeNull();
  });
});
