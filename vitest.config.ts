import { defineConfig } from 'vitest/config';

// Playwright specs live in test/e2e and run through `npm run test:e2e`, never through vitest.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
