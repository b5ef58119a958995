// Types for scripts/build-cli.mjs (imported by tests and the benchmark).
export declare const root: string;
export declare const defaultOutdir: string;
export declare function buildCli(options?: { outdir?: string; quiet?: boolean }): Promise<{ file: string; bytes: number; inputs: string[] }>;
