import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer). Both the dev
 * server and `vite preview` (which the e2e tests and benchmarks run against) must send them.
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolationHeaders, host: '127.0.0.1', port: 5173 },
  preview: { headers: isolationHeaders, host: '127.0.0.1', port: 4173 },
  worker: { format: 'es' },
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
