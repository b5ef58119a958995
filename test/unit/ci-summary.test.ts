// .ci/summary.mjs: the closing "N passed, N failed" line of CI, from vitest's JSON report and the
// e2e runner's. The reports below have the shape vitest 4 writes (taken from a run with a file
// that fails at import, one whose beforeAll throws, and one with a failing test).
import { describe, expect, it } from 'vitest';
import { summarize, summaryLine } from '../../.ci/summary.mjs';

const file = (name: string, status: string, tests: [string, string][], message = '') => ({
  name: `/repo/test/unit/${name}`, status, message,
  assertionResults: tests.map(([title, s]) => ({ title, fullName: title, status: s, failureMessages: s === 'failed' ? ['boom'] : [] })),
});

const vitestReport = (files: ReturnType<typeof file>[]) => {
  const tests = files.flatMap((f) => f.assertionResults);
  const count = (s: string) => tests.filter((t) => t.status === s).length;
  return {
    numTotalTestSuites: files.length,
    numFailedTestSuites: files.filter((f) => f.status === 'failed').length,
    numTotalTests: tests.length,
    numPassedTests: count('passed'),
    numFailedTests: count('failed'),
    numPendingTests: count('skipped'),
    numTodoTests: 0,
    success: files.every((f) => f.status === 'passed'),
    testResults: files,
  };
};

describe('CI summary', () => {
  it('a file that fails at import counts as a failure although none of its tests ran', () => {
    const v = vitestReport([
      file('a.test.ts', 'failed', [], "Cannot find module './nonexistent-module'"),
      file('c.test.ts', 'passed', [['p', 'passed'], ['q', 'passed']]),
    ]);
    const s = summarize({ vitest: v, status: 1 });
    expect(s).toEqual({ passed: 2, failed: 1, skipped: 0, failedFiles: ['/repo/test/unit/a.test.ts'] });
    expect(summaryLine(s)).toBe('2 passed, 1 failed');
  });

  it('the case that was printed as "23 passed, 1 failed": 18 files failing at import', () => {
    const broken = Array.from({ length: 18 }, (_, i) => file(`broken${i}.test.ts`, 'failed', [], 'SyntaxError'));
    const v = vitestReport([
      ...broken,
      file('ok.test.ts', 'passed', Array.from({ length: 23 }, (_, i): [string, string] => [`t${i}`, 'passed'])),
      file('one.test.ts', 'failed', [['bad', 'failed']]),
    ]);
    expect(summaryLine(summarize({ vitest: v, status: 1 }))).toBe('23 passed, 19 failed');
  });

  it('a file whose beforeAll throws counts once; its skipped tests stay skipped, not passed', () => {
    const v = vitestReport([
      file('b.test.ts', 'failed', [['y', 'skipped']], 'hook'),
      file('c.test.ts', 'failed', [['p', 'passed'], ['f', 'failed'], ['s', 'skipped']]),
    ]);
    // c.test.ts failed through its test, which is counted already: it is not counted again.
    expect(summarize({ vitest: v, status: 1 })).toEqual({ passed: 1, failed: 2, skipped: 2, failedFiles: ['/repo/test/unit/b.test.ts'] });
  });

  it('adds the e2e runner\'s counts, including a setup or spec-loading failure', () => {
    const v = vitestReport([file('c.test.ts', 'passed', [['p', 'passed']])]);
    expect(summarize({ vitest: v, e2e: { passed: 5, failed: 1, skipped: 2 }, status: 1 }))
      .toEqual({ passed: 6, failed: 1, skipped: 2, failedFiles: [] });
    // The runner reports a spec file that fails to import as "e2e setup failed", one failure.
    expect(summaryLine(summarize({ vitest: v, e2e: { passed: 0, failed: 1, skipped: 0 }, status: 1 }))).toBe('1 passed, 1 failed');
  });

  it('a failing run with nothing counted (type check, a crash before any report) is one failure', () => {
    expect(summaryLine(summarize({ status: 2 }))).toBe('0 passed, 1 failed');
    const v = vitestReport([file('c.test.ts', 'passed', [['p', 'passed']])]);
    expect(summaryLine(summarize({ vitest: v, status: 1 }))).toBe('1 passed, 1 failed');
    expect(summaryLine(summarize({ vitest: v, status: 0 }))).toBe('1 passed, 0 failed');
  });

  it('a report without per-file results still counts a failed suite', () => {
    const s = summarize({ vitest: { numPassedTests: 3, numFailedTests: 0, numFailedTestSuites: 1 }, status: 1 });
    expect(s.failed).toBe(1);
    expect(summarize({ vitest: { numPassedTests: 3, numFailedTests: 0, numFailedTestSuites: 1 }, status: 0 }).failed).toBe(1);
  });
});
