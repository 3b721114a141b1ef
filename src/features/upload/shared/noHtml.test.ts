import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Names from uploaded files (layers, tensors, files, models) are shown by React as text. Nothing
 * in the app may turn a string into markup: no innerHTML, outerHTML, insertAdjacentHTML,
 * document.write or dangerouslySetInnerHTML anywhere in src/.
 */
const SINKS =
  /\b(innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write)\b/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('noHtml.test.ts') ? [path] : [];
  });
}

describe('no HTML sinks', () => {
  it('no source file writes strings as HTML', () => {
    const all = files('src');
    expect(all.length).toBeGreaterThan(100);
    const offenders = all.filter((f) => SINKS.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
