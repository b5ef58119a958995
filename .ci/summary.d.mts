// Types for .ci/summary.mjs (its counting is unit-tested with synthetic reports).
export interface Summary { passed: number; failed: number; skipped: number; failedFiles: string[] }
export declare function summarize(input: { vitest?: unknown; e2e?: unknown; status: number }): Summary;
export declare function summaryLine(s: { passed: number; failed: number }): string;
