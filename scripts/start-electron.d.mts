// Types for scripts/start-electron.mjs (its decisions are unit-tested as plain functions).
export declare const ELECTRON_TOOLS_NODE: [number, number];
export declare const WEB_HINT: string;
export declare function nodeAtLeast(version: string, atLeast: readonly [number, number]): boolean;
export declare function electronBinary(
  electronDir: string,
  env: Record<string, string | undefined>,
  fs: { readFile(p: string): string; exists(p: string): boolean },
): { path: string; present: boolean } | undefined;
export declare function downloadReason(output: string): string;
export type StartPlan = { action: 'launch' } | { action: 'download' } | { action: 'refuse'; message: string };
export declare function decideStart(state: {
  packageFound: boolean;
  binaryPresent: boolean;
  downloadError?: string;
  nodeVersion: string;
}): StartPlan;
