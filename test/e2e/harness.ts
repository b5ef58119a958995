// A small test harness for the end-to-end specs: test() registers, the runner runs them one by
// one, each with a fresh browser context. Assertions throw with a message that says what broke.
import type { Browser, Page } from 'playwright-core';

export interface TestContext {
  readonly browser: Browser;
  readonly baseURL: string;
  /** Where screenshots and downloads go (test-results/, gitignored). */
  readonly artifacts: string;
  /** The page for this test, already at the app and showing it. */
  readonly page: Page;
  /** Ends the test as skipped. */
  skip(reason: string): never;
}

export interface TestCase {
  readonly name: string;
  readonly file: string;
  readonly timeoutMs: number;
  readonly fn: (ctx: TestContext) => Promise<void>;
}

export const registered: TestCase[] = [];
let currentFile = '';

export function setCurrentFile(file: string): void {
  currentFile = file;
}

export function test(name: string, fn: (ctx: TestContext) => Promise<void>, options: { timeoutMs?: number } = {}): void {
  registered.push({ name, file: currentFile, fn, timeoutMs: options.timeoutMs ?? 120_000 });
}

export class Skipped extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Skipped';
  }
}

export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

const show = (v: unknown): string => JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));

export function assertEqual<T>(actual: T, expected: T, what: string): void {
  if (show(actual) !== show(expected)) throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertIncludes(haystack: string, needle: string, what: string): void {
  if (!haystack.includes(needle)) throw new AssertionError(`${what}: expected to contain ${show(needle)}, got ${show(haystack)}`);
}
