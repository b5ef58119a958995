// `npm run test:e2e`: builds the renderer, serves it on a free 127.0.0.1 port, drives Debian's
// Chromium through playwright-core (no browser download) and runs test/e2e/*.spec.ts.
// Usage: node test/e2e/run.mjs [name filter]   Env: E2E_NO_BUILD=1 reuses dist/, E2E_DIST=folder builds there instead, CHROMIUM=path.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./runner.ts');
process.exitCode = await main(process.argv.slice(2));
