// `npm start` (scripts/start-electron.mjs): where Electron's binary cannot be had, one line saying
// why and pointing at `npm run web`, instead of Electron's "failed to install correctly…".
import { describe, expect, it } from 'vitest';
import { decideStart, downloadReason, electronBinary, nodeAtLeast } from '../../scripts/start-electron.mjs';

const files = (present: Record<string, string>) => ({
  readFile: (p: string) => {
    if (!(p in present)) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    return present[p];
  },
  exists: (p: string) => p in present,
});

describe('npm start', () => {
  it('launches when the binary is there, whatever the Node version', () => {
    expect(decideStart({ packageFound: true, binaryPresent: true, nodeVersion: 'v20.19.0' })).toEqual({ action: 'launch' });
    expect(decideStart({ packageFound: true, binaryPresent: true, nodeVersion: 'v22.12.0' })).toEqual({ action: 'launch' });
  });

  it('tries the download once when the binary is missing', () => {
    expect(decideStart({ packageFound: true, binaryPresent: false, nodeVersion: 'v22.12.0' })).toEqual({ action: 'download' });
  });

  it('after a failed download: one line with the reason and `npm run web`', () => {
    const plan = decideStart({ packageFound: true, binaryPresent: false, downloadError: 'fetch failed', nodeVersion: 'v22.14.0' });
    expect(plan).toEqual({
      action: 'refuse',
      message: "npm start: Electron's binary is not installed and could not be downloaded (fetch failed); run `npm run web` to use the same app in a browser instead",
    });
  });

  it('names the Node version when it is older than Electron 45\'s installer needs', () => {
    const plan = decideStart({ packageFound: true, binaryPresent: false, downloadError: 'fetch failed', nodeVersion: 'v20.20.2' });
    expect(plan.action).toBe('refuse');
    const message = plan.action === 'refuse' ? plan.message : '';
    expect(message).toContain("(fetch failed; Electron 45's installer needs Node 22.12+, this is Node 20.20.2)");
    expect(message).toContain('`npm run web`');
    expect(message).not.toContain('\n');
  });

  it('without the electron package at all: says so, suggests npm install or npm run web', () => {
    const plan = decideStart({ packageFound: false, binaryPresent: false, nodeVersion: 'v22.12.0' });
    expect(plan.action).toBe('refuse');
    expect(plan.action === 'refuse' && plan.message).toMatch(/node_modules\/electron is missing; run `npm install`.*`npm run web`/);
  });

  it('compares Node versions by major and minor', () => {
    expect(nodeAtLeast('v22.12.0', [22, 12])).toBe(true);
    expect(nodeAtLeast('22.11.9', [22, 12])).toBe(false);
    expect(nodeAtLeast('v23.0.0', [22, 12])).toBe(true);
    expect(nodeAtLeast('v20.20.2', [22, 12])).toBe(false);
  });

  it('finds the binary where path.txt says, or under ELECTRON_OVERRIDE_DIST_PATH', () => {
    const dir = '/m/node_modules/electron';
    expect(electronBinary(dir, {}, files({}))).toBeUndefined(); // the installer never ran
    expect(electronBinary(dir, {}, files({ [`${dir}/path.txt`]: 'electron' })))
      .toEqual({ path: `${dir}/dist/electron`, present: false }); // path.txt left behind, binary gone
    expect(electronBinary(dir, {}, files({ [`${dir}/path.txt`]: 'electron\n', [`${dir}/dist/electron`]: '' })))
      .toEqual({ path: `${dir}/dist/electron`, present: true });
    expect(electronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }, files({ '/opt/electron/electron': '' })))
      .toEqual({ path: '/opt/electron/electron', present: true });
  });

  it('reduces the installer\'s stack trace to its message', () => {
    const out = 'TypeError: fetch failed\n    at node:internal/deps/undici/undici:13502:13\n    at async FetchDownloader.download (file:///x.js:46:30)\n';
    expect(downloadReason(out)).toBe('fetch failed');
    expect(downloadReason('HTTPError: Response code 404 (Not Found) for https://github.com/electron/…\n')).toBe('Response code 404 (Not Found) for https://github.com/electron/…');
    expect(downloadReason('\n')).toBe('no reason given');
  });
});
