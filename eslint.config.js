import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import path from 'node:path';

/**
 * ARCHITECTURE.md: a feature reaches another only through its index files — `features/Y` (its
 * pure API, re-exported from shared/) or `features/Y/<layer>` (the index of one layer: worker/,
 * store/, state/, ui/), so that a worker never loads another feature's UI and the page never loads
 * its tfjs through a barrel.
 */
const featureEntry = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const from = path.relative(context.cwd, context.filename).split(path.sep).join('/');
    const own = /^src\/features\/([^/]+)\//.exec(from)?.[1];
    if (!own) return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
      const m = /^src\/features\/([^/]+)(?:\/(.*))?$/.exec(target);
      if (!m || m[1] === own) return;
      const rest = (m[2] ?? '').replace(/\/?index$/, '');
      if (rest === '' || /^(shared|worker|store|state|ui)$/.test(rest)) {
        if (rest === 'shared')
          context.report({ node, message: `Use features/${m[1]} (its index) for its pure API.` });
        return;
      }
      context.report({
        node,
        message: `features/${own} reaches features/${m[1]} only through its index: import from 'features/${m[1]}' or 'features/${m[1]}/<layer>', not '${rest}'.`,
      });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

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
    files: ['src/features/**/*.{ts,tsx}'],
    plugins: { local: { rules: { 'feature-entry': featureEntry } } },
    rules: { 'local/feature-entry': 'error' },
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
