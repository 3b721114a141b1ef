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
              group: [
                '../model/*',
                '../worker/*',
                '../state/*',
                '../ui/*',
                '**/model/**',
                '**/worker/**',
                '**/state/**',
                '**/ui/**',
              ],
              message: 'src/core imports nothing outside src/core.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'navigator',
        'self',
        'location',
        'localStorage',
      ],
    },
  },
  {
    // The main thread never loads tfjs: only the worker and the scripts do.
    files: ['src/ui/**/*.{ts,tsx}', 'src/state/**/*.ts', 'src/main.tsx', 'src/worker/client.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tensorflow/*', '**/model/**', '../model/*'],
              message: 'tfjs lives in the worker only.',
            },
            {
              group: ['**/worker/*', '!**/worker/client'],
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
