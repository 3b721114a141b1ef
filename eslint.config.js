import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Imports that would break the layering described in README "Architecture". */
const NOT_IN_CORE = [
  'react',
  'react-dom',
  'react-dom/*',
  'zustand',
  'zustand/*',
  'comlink',
  'recharts',
  '@tensorflow/*',
];

/** platform/worker modules that run on the main thread: the clients of the workers. */
const MAIN_THREAD_WORKER_SIDE = [
  'src/platform/worker/client.ts',
  'src/platform/worker/runClient.ts',
  'src/platform/worker/workers.ts',
  'src/platform/worker/deltaStream.ts',
];

/** Globals that pure code (platform/shared, features' shared/) must not touch: it also runs in Node. */
const NOT_PURE_GLOBALS = ['window', 'document', 'navigator', 'self', 'location', 'localStorage'];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'public', 'test-results', 'playwright-report'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: { ...globals.node } } },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/ban-ts-comment': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/**/*.tsx', 'src/**/ui/**/*.ts', 'src/**/state/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // The pure parts (ARCHITECTURE.md, path rules): src/platform/shared and every feature's
    // shared/ are plain TypeScript on typed arrays, runnable in Node, the workers and the page.
    // They import only other shared code.
    files: ['src/platform/shared/**/*.ts', 'src/features/*/shared/**/*.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: NOT_IN_CORE,
              message: 'shared/ is pure: no React, zustand, comlink, recharts or tfjs.',
            },
            {
              regex: '(^|/)(worker|state|ui|app|testing)(/|$)',
              message: 'shared/ imports only other shared/ code (a feature’s or the platform’s).',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...NOT_PURE_GLOBALS],
    },
  },
  {
    // store/ keeps things in IndexedDB (through idb): read by the main thread and the workers
    // alike, so it has neither React nor tfjs, and imports only shared/ and other store/ code.
    files: ['src/**/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NOT_IN_CORE, message: 'store/ has no React, zustand, comlink or tfjs.' },
            {
              regex: '(^|/)(worker|state|ui|app)(/|$)',
              message: 'store/ imports shared/ and store/ code only.',
            },
          ],
        },
      ],
    },
  },
  {
    // Worker code runs tfjs and comlink, never React, the store or the page.
    files: ['src/**/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*'],
              message: 'worker/ code has no React and no store.',
            },
            {
              regex: '(^|/)(state|ui|app)(/|$)',
              message: 'worker/ code imports shared/, store/ and worker/ code only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The main thread never loads tfjs: only the workers and the scripts do.
    files: [
      'src/app/**/*.{ts,tsx}',
      'src/platform/ui/**/*.{ts,tsx}',
      'src/platform/state/**/*.ts',
      'src/features/*/ui/**/*.{ts,tsx}',
      'src/features/*/state/**/*.ts',
      ...MAIN_THREAD_WORKER_SIDE,
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@tensorflow/*'], message: 'tfjs lives in the workers only.' },
            {
              // The main thread's side of the workers (clients, no tfjs) is the way in; every
              // other worker module loads tfjs: import its types only.
              regex: '(^|/)worker/(?!(client|runClient|workers|deltaStream|fakeWorker)$)',
              allowTypeImports: true,
              message:
                'Worker modules load tfjs: import their types only (the client is the way in).',
            },
          ],
        },
      ],
    },
  },
);
