import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS, headersFile } from './securityHeaders';

/** The headers shipped for static hosts are the ones `vite preview` (and so every e2e test) sends. */
describe('security headers', () => {
  it('public/_headers is the header set, for every path', () => {
    const file = readFileSync(new URL('../../../public/_headers', import.meta.url), 'utf8');
    expect(file).toBe(headersFile());
    const lines = file.trim().split('\n');
    expect(lines[0]).toBe('/*');
    expect(lines.slice(1).map((l) => l.trim().split(': ')[0])).toEqual(
      Object.keys(SECURITY_HEADERS),
    );
  });

  it('the CSP allows no inline script and no eval; wasm compiles; only this origin is reached', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split('; ').map((d) => {
        const [name, ...values] = d.split(' ');
        return [name!, values];
      }),
    );
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", 'blob:']);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*|https?:/);
    expect(SECURITY_HEADERS['X-Content-Type-Options']).toBe('nosniff');
    expect(SECURITY_HEADERS['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(SECURITY_HEADERS['Cross-Origin-Embedder-Policy']).toBe('require-corp');
  });
});
