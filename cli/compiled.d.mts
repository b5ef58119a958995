// Types for cli/compiled.mjs (used by the benchmark and the CLI build).
import type { Script } from 'node:vm';
export interface Manifest { program: string; cache: string; builtAt: number; inputs: string[] }
export declare function readManifest(dir: string): Manifest | undefined;
export declare function isCurrent(root: string, manifest: Manifest): boolean;
export declare function compileProgram(file: string, cachedData?: Uint8Array): Script;
export declare function evaluateProgram(script: Script, file: string): Record<string, unknown>;
export declare function writeCodeCache(script: Script, cacheFile: string): void;
export declare function loadCompiled(dir: string, manifest: Manifest): (args: string[], io?: { out(text: string): void; err(text: string): void }) => Promise<number>;
