/**
 * The HTTP headers the built app must be served with: one list for `vite preview` (and so every
 * e2e test), `public/_headers` (Netlify and Cloudflare Pages; a test keeps it equal to this) and
 * the README's table for any other host.
 *
 * - Cross-origin isolation (COOP + COEP) lets the wasm backend use threads (SharedArrayBuffer).
 * - The Content-Security-Policy allows only this origin's own files: no inline script, no
 *   `eval`. WebAssembly compilation needs 'wasm-unsafe-eval' in Chromium (without it the tfjs
 *   backend cannot compile its .wasm); it allows compiling wasm, not evaluating strings. The
 *   threaded wasm backend starts its pthread workers from a blob: URL holding the emscripten
 *   factory (tfjs-backend-wasm does so itself), hence blob: for workers and worker scripts.
 *   Chart downloads draw an SVG blob onto a canvas (img blob:); the favicon is `data:,`.
 * - nosniff, no referrer beyond the origin, and no framing by other sites.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

export const SECURITY_HEADERS = {
  ...ISOLATION_HEADERS,
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/** The `_headers` file (Netlify, Cloudflare Pages): every path gets every header. */
export function headersFile(): string {
  const lines = Object.entries(SECURITY_HEADERS).map(([k, v]) => `  ${k}: ${v}`);
  return `/*\n${lines.join('\n')}\n`;
}
