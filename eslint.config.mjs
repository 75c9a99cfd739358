// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import local from './lint/no-import-cycle.mjs';

/** Only the engine itself (its own tests included) reaches into its processor and state. */
const engineInternals = {
  patterns: [
    {
      regex: '(^|/)engine/(processor|state)(/|$)',
      message: 'engine/processor and engine/state are internal to engine/: use what engine/ exports (engine/api.ts, engine/start-engine.ts).',
    },
  ],
};

export default defineConfig(
  { ignores: ['dist/', '.data/', 'node_modules/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  {
    plugins: { local },
    rules: { 'local/no-import-cycle': 'error' },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_`-prefixed names are unused on purpose, as TypeScript's noUnused* checks accept them:
      // a parameter an interface hands over, a property left out by destructuring.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Handing on a rejection reason received as `unknown` makes no new non-Error; literals and objects are still refused.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    // bench/engine-processing.ts and bench/engine-statement.ts measure the processor and the batch statement alone, below the engine's API, on purpose.
    ignores: ['engine/**', 'bench/engine-processing.ts', 'bench/engine-statement.ts'],
    rules: { 'no-restricted-imports': ['error', engineInternals] },
  },
  {
    files: ['web/public/**/*.js', 'web/task-list/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },
  {
    files: ['jest.config.js', 'jest.engine.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  {
    files: ['eslint.config.mjs', 'lint/**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
);
