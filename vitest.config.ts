import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Playwright specs live in test/e2e and run through `npm run test:e2e`, never through vitest.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each test file runs in its own child process (forks: native modules and process-wide state
    // stay per file). vitest's default is one worker fewer than the cores, which on a 2-core
    // machine runs every file one after another with a core idle; two workers use both.
    pool: 'forks',
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
