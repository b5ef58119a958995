// Adds up vitest's JSON report and the end-to-end runner's report into one "N passed, N failed"
// line. A test file that fails before its tests run (an import error, a failing beforeAll) has no
// failed test in vitest's counts, so each such file counts as one failure; so does a failing run
// with nothing counted (e.g. the type check).
// Usage: node .ci/summary.mjs STATUS   (reads test-results/vitest.json and test-results/e2e.json)
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * @param {{ vitest?: any, e2e?: any, status: number }} input  the parsed reports (absent when a
 *   stage wrote none) and the exit status of the test command
 * @returns {{ passed: number, failed: number, skipped: number, failedFiles: string[] }}
 */
export function summarize({ vitest, e2e, status }) {
  let passed = 0, failed = 0, skipped = 0;
  const failedFiles = [];
  if (vitest) {
    passed += vitest.numPassedTests ?? 0;
    failed += vitest.numFailedTests ?? 0;
    skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
    // A file whose status is failed but none of whose tests failed did not run its tests (vitest:
    // "Failed to load", an error at the top level or in a hook). Its tests are in no count.
    const files = Array.isArray(vitest.testResults) ? vitest.testResults : [];
    for (const f of files) {
      if (f?.status !== 'failed') continue;
      const tests = Array.isArray(f.assertionResults) ? f.assertionResults : [];
      if (!tests.some((t) => t?.status === 'failed')) failedFiles.push(String(f.name ?? '(unnamed file)'));
    }
    failed += failedFiles.length;
    // A report without per-file results: a failed suite with no failed test is one failure.
    if (!files.length && (vitest.numFailedTestSuites ?? 0) > 0 && (vitest.numFailedTests ?? 0) === 0) failed += 1;
  }
  if (e2e) {
    // The e2e runner counts a spec file that fails to load, or a setup that fails, as failed.
    passed += e2e.passed ?? 0;
    failed += e2e.failed ?? 0;
    skipped += e2e.skipped ?? 0;
  }
  if (status !== 0 && failed === 0) failed = 1;
  return { passed, failed, skipped, failedFiles };
}

/** The closing line CI prints (skipped tests go on a line of their own before it). */
export function summaryLine({ passed, failed }) {
  return `${passed} passed, ${failed} failed`;
}

function readJson(path) {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    console.log(`${path}: unreadable report (${e.message})`);
    // Counted as one failure, whichever report it was.
    return { numFailedTestSuites: 1, failed: 1 };
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const s = summarize({
    vitest: readJson('test-results/vitest.json'),
    e2e: readJson('test-results/e2e.json'),
    status: Number(process.argv[2] ?? 0),
  });
  for (const f of s.failedFiles) console.log(`failed to run: ${f}`);
  if (s.skipped) console.log(`(${s.skipped} skipped)`);
  console.log(summaryLine(s));
}
