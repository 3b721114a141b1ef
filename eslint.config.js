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

/** Globals that pure code (src/core, features' shared/) must not touch: it also runs in Node. */
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
    files: ['src/**/*.tsx', 'src/ui/**/*.ts', 'src/state/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // The pure core: plain TypeScript on typed arrays, runnable in Node, the worker and the page.
    files: ['src/core/**/*.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: NOT_IN_CORE,
              message: 'src/core is pure: no React, zustand, comlink, recharts or tfjs.',
            },
            {
              // The tfjs model code, the workers, the state and the UI, wherever they are (but
              // the features' pure parts may be imported: they compose the config, see
              // ARCHITECTURE.md's platform/shared; features/model is not src/model).
              regex: '(^|/)(?<!features/)(model|worker|state|ui)(/|$)',
              message: 'src/core imports nothing outside src/core but the features’ pure parts.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...NOT_PURE_GLOBALS],
    },
  },
  {
    // A feature's shared/ part is pure like src/core (ARCHITECTURE.md, path rules): it runs in
    // Node, both workers and the page. It may import src/core and other shared/ code.
    files: ['src/features/**/shared/**/*.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: NOT_IN_CORE,
              message: 'features/*/shared is pure: no React, zustand, comlink, recharts or tfjs.',
            },
            {
              group: [
                '../../../model/*',
                '../../../worker/*',
                '../../../state/*',
                '../../../ui/*',
                '../worker/*',
                '../state/*',
                '../ui/*',
                '../../*/worker/*',
                '../../*/state/*',
                '../../*/ui/*',
                '**/platform/worker/**',
                '**/platform/state/**',
                '**/platform/ui/**',
                '**/app/**',
              ],
              message: 'features/*/shared imports only src/core and other shared/ code.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...NOT_PURE_GLOBALS],
    },
  },
  {
    // The main thread never loads tfjs: only the worker and the scripts do.
    files: [
      'src/ui/**/*.{ts,tsx}',
      'src/state/**/*.ts',
      'src/main.tsx',
      'src/worker/client.ts',
      'src/features/*/ui/**/*.{ts,tsx}',
      'src/features/*/state/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // src/model is tfjs; features/model (reached as ../../model from a feature) is not.
              group: [
                '@tensorflow/*',
                '**/model/**',
                '../model/*',
                '!**/features/model/**',
                '!../../model/**',
              ],
              message: 'tfjs lives in the worker only.',
            },
            {
              // platform/worker is the main thread's side of the workers (clients, no tfjs).
              group: ['**/worker/*', '!**/worker/client', '!**/platform/worker/*'],
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
