#!/usr/bin/env node
// Launcher for the `mlsurgeon` command: runs the TypeScript entry point through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
