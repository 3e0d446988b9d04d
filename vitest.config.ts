/**
 * Vitest configuration: unit tests beside the code they pin, cross-cutting properties in
 * properties/. Coverage gates: model/ 100% (lines and branches), impl/ at least 95% of lines.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'lib/**/*.test.ts',
      'model/**/*.test.ts',
      'impl/**/*.test.ts',
      'properties/**/*.test.ts',
      'explore/**/*.test.ts',
      'kernel/**/*.test.ts',
      'cli/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    coverage: {
      provider: 'v8',
      include: ['model/**/*.ts', 'impl/**/*.ts'],
      exclude: ['**/*.test.ts', '**/*-test-support.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: {
        'model/**': { lines: 100, branches: 100, functions: 100, statements: 100 },
        'impl/**': { lines: 95 },
      },
    },
  },
});
