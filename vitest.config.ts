// Test runner setup: the default reporter for people, plus one closing line `N passed, N failed` that CI reads.
import { defineConfig } from 'vitest/config';
import { SummaryLineReporter } from './test/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    reporters: ['default', new SummaryLineReporter()],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
