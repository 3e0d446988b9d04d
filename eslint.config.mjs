/**
 * ESLint configuration (`npm run lint`): typescript-eslint's type-checked recommended rules
 * over every TypeScript source, plus the rules this code leans on: no floating or misused
 * promises (the CLI, the worker pool and the kernel oracle are async), exhaustive switches over
 * unions (ops, outcomes and views are discriminated unions that grow), no unused variables,
 * type-only imports, no `any`. Unused files, exports and dependencies are knip's job (knip.jsonc);
 * formatting is Prettier's (prettier.config.mjs).
 *
 * TypeScript versions: the project compiles with TypeScript 7 (the native compiler, installed
 * as `@typescript/native`, which provides `tsc`). TypeScript 7 has no JavaScript compiler API,
 * and typescript-eslint needs one (its peer range ends below 6.1), so the `typescript` package
 * name is the TypeScript 6 API (`@typescript/typescript6`, the side-by-side package published
 * with 7.0). Type information for lint therefore comes from TypeScript 6.0 reading the same
 * tsconfig.json; 7.0 is a port of 6.0, so the types agree. Both packages ship a `tsc` binary;
 * npm links the first by path, `@typescript/native` before the 6.0 package (`@typescript/old`),
 * and .ci/run checks that `tsc` is 7. typescript-eslint's experimental TypeScript 7 backend
 * (off here) asks for `@typescript/native` 7.1 as an optional peer, so `npm ls --all` calls
 * 7.0.2 invalid there. Drop the aliases once typescript-eslint runs on TypeScript 7.
 *
 * Not covered here: the import graph's direction (properties/tidy.test.ts), formatting.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Node's globals for the plain .mjs scripts (TypeScript files get them from @types/node). */
const nodeGlobals = Object.fromEntries(
  ['console', 'process', 'URL', 'Buffer', 'setTimeout', 'clearTimeout'].map((name) => [
    name,
    'readonly',
  ]),
);

export default defineConfig(
  globalIgnores([
    'dist/',
    'coverage/',
    'reports/',
    '.stryker-tmp*/',
    'swapcheck-failures/',
    '.swapcheck/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A switch over a union names every member, or says with `default` that the rest share
      // one path (`default: return unreachable(x)` keeps the compile-time check).
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  {
    // Tests read the CLI's JSON output (JSON.parse gives `any`) and assert its shape with
    // expect(): a wrong shape fails the test, so the no-unsafe-* family adds nothing there.
    files: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The .mjs configs and scripts are outside tsconfig.json: linted without type information.
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
  },
);
