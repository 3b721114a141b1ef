import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { ISOLATION_HEADERS, SECURITY_HEADERS } from './src/platform/shared/securityHeaders';

/**
 * Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer). Both the dev
 * server and `vite preview` (which the e2e tests and benchmarks run against) must send it.
 * `vite preview` sends the whole set the built app is served with (the CSP among them, so every
 * e2e test runs under it; public/_headers ships the same set); the dev server only isolation,
 * since its hot reload injects inline scripts that the CSP forbids.
 */
/**
 * Zod compiles object parsers with `new Function` where it can, and probes for that with a
 * caught `new Function('')` the first time an object schema is built. Under the CSP (no
 * 'unsafe-eval') the browser reports that probe as a violation even though zod catches it.
 * Zod's `jitless` setting skips the probe, but `z.config()` in our code runs too late: bundled
 * chunks evaluate zod and build the schemas before any of our statements. So zod's global
 * config starts out jitless, in the page and in every worker.
 */
function zodJitless(): Plugin {
  const marker = '(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});';
  return {
    name: 'zod-jitless',
    transform(code, id) {
      if (!/[\\/]zod[\\/]v4[\\/]core[\\/]core\.js$/.test(id)) return null;
      if (!code.includes(marker)) this.error(`zod-jitless: ${id} changed; update the marker`);
      return code.replace(marker, marker.replace('= {})', '= { jitless: true })'));
    },
  };
}

/**
 * The page's entry (src/app/main.tsx) is small: it starts the workers, then imports the app
 * (src/app/start.tsx) dynamically, so the workers do not wait for React. So that the app's
 * chunks still download at once, in parallel with the entry, index.html gets a modulepreload
 * link for start.tsx's chunk and every chunk it imports statically.
 */
function preloadApp(): Plugin {
  return {
    name: 'preload-app',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return;
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        const start = chunks.find((c) => c.facadeModuleId?.endsWith('/src/app/start.tsx'));
        if (!start) throw new Error('preload-app: no chunk for src/app/start.tsx');
        const files = new Set<string>();
        const visit = (file: string) => {
          if (files.has(file)) return;
          files.add(file);
          const c = chunks.find((x) => x.fileName === file);
          for (const i of c?.imports ?? []) visit(i);
        };
        visit(start.fileName);
        // The app's CSS as a stylesheet, so that it loads with the page as before the split.
        const css = new Set(
          [...files].flatMap((file) => [
            ...(chunks.find((x) => x.fileName === file)?.viteMetadata?.importedCss ?? []),
          ]),
        );
        return [
          ...[...css].map((file) => ({
            tag: 'link',
            attrs: { rel: 'stylesheet', crossorigin: true, href: `/${file}` },
            injectTo: 'head' as const,
          })),
          // Not the entry itself, nor what Vite already preloads for it.
          ...[...files]
            .filter((file) => !html.includes(`/${file}"`))
            .map((file) => ({
              tag: 'link',
              attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` },
              injectTo: 'head' as const,
            })),
        ];
      },
    },
  };
}

/**
 * The datasets' images and labels ship gzip-compressed (src/platform/shared/dataFiles.ts): the
 * build writes `data/<id>/<file>.u8.gz` for every `public/data/<id>/<file>.u8` and leaves the raw
 * copies out of the built app; the dev server compresses them on request.
 */
function packedData(): Plugin {
  const publicData = fileURLToPath(new URL('./public/data/', import.meta.url));
  const files = () =>
    readdirSync(publicData, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        readdirSync(join(publicData, d.name))
          .filter((f) => f.endsWith('.u8'))
          .map((f) => `data/${d.name}/${f}`),
      );
  const gzipped = new Map<string, Buffer>();
  return {
    name: 'packed-data',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]!).replace(/^\//, '');
        const raw = path.replace(/\.gz$/, '');
        if (!path.endsWith('.u8.gz') || !files().includes(raw)) return next();
        let gz = gzipped.get(raw); // compressed once per file and dev-server start
        if (!gz) {
          gz = gzipSync(readFileSync(join(publicData, '..', raw)), { level: 1 });
          gzipped.set(raw, gz);
        }
        for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
        res.setHeader('Content-Type', 'application/gzip');
        res.end(gz);
      });
    },
    generateBundle() {
      for (const raw of files())
        this.emitFile({
          type: 'asset',
          fileName: `${raw}.gz`,
          source: gzipSync(readFileSync(join(publicData, '..', raw)), { level: 9 }),
        });
    },
    writeBundle(options) {
      // Vite copied public/ whole: the raw files are not served by the built app.
      if (options.dir) for (const raw of files()) rmSync(join(options.dir, raw), { force: true });
    },
  };
}

/**
 * Offline: a Workbox service worker (vite-plugin-pwa). Precached at the first visit (about
 * 11 MB): the app shell (HTML, JS, CSS, the wasm binaries: tfjs's three and both builds of the integer kernels), the four shipped models (3 MB)
 * and every dataset's meta.json plus the MNIST test set (1.5 MB), so the default experiment
 * works offline after one visit. The rest of public/data (the Fashion test set, 7.8 MB, and the
 * training splits, 15 MB, which only training reads) is cached on first use instead: putting it
 * in the precache would make every first visit download 35 MB for datasets most visitors never
 * open. `clientsClaim` lets the first visit's worker take over at once, so what that visit
 * loads later is cached too. `registerType: 'prompt'`: a new version waits until the user
 * chooses Reload (app/UpdatePrompt.tsx); it is registered from the app (no inline script).
 */
const pwa = VitePWA({
  registerType: 'prompt',
  injectRegister: false,
  manifest: false,
  workbox: {
    globPatterns: [
      '**/*.{js,css,html,wasm}',
      'models/**/*.{json,bin}',
      'data/*/meta.json',
      'data/mnist/test-*.u8.gz',
    ],
    // The compute and training workers' bundles are about 2.1 MB each.
    maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
    clientsClaim: true,
    cleanupOutdatedCaches: true,
    navigateFallback: 'index.html',
    runtimeCaching: [
      {
        urlPattern: ({ url, sameOrigin }) => sameOrigin && /\/(data|models)\//.test(url.pathname),
        handler: 'CacheFirst',
        options: { cacheName: 'playground-data', cacheableResponse: { statuses: [200] } },
      },
    ],
  },
});

export default defineConfig({
  plugins: [react(), zodJitless(), preloadApp(), packedData(), pwa],
  // The union package without the WebGL backend and tfjs-data (src/platform/worker/tfjs.ts).
  resolve: {
    alias: [
      {
        find: /^@tensorflow\/tfjs$/,
        replacement: fileURLToPath(new URL('./src/platform/worker/tfjs.ts', import.meta.url)),
      },
    ],
  },
  server: { headers: { ...ISOLATION_HEADERS }, host: '127.0.0.1', port: 5173 },
  preview: { headers: { ...SECURITY_HEADERS }, host: '127.0.0.1', port: 4173 },
  worker: {
    format: 'es',
    plugins: () => [zodJitless()],
    // Terser minifies the worker bundles (build.minify), but Rolldown then prints each one again
    // with its own default minify ('dce-only'): indented, one statement per line, non-ASCII
    // characters as they are. They are printed compact and ASCII-only instead, with no second
    // compress or mangle (see the emscripten factory note below). A script with one non-ASCII
    // character is held as a two-byte string: the compute worker's JS memory after the first
    // accuracy went 9.28 → 7.67 MB (measureUserAgentSpecificMemory), its script 1,315 → 1,127 KB
    // (gzip 238 → 215 KB). The licence comments stay where they are.
    rolldownOptions: {
      output: {
        minify: {
          compress: false,
          mangle: false,
          codegen: { removeWhitespace: true, asciiOnly: true },
        },
      },
    },
  },
  build: {
    target: 'es2022',
    // Vite 8's default minifier (Oxc) rewrites the emscripten factory that tfjs-wasm ships to
    // its pthread workers as source text; they then throw "e is not defined". Terser with
    // `typeofs: false` leaves it intact.
    minify: 'terser',
    terserOptions: { compress: { typeofs: false } },
    chunkSizeWarningLimit: 4000,
  },
});
