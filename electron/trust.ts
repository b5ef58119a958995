// Which pages are the app: IPC requests and navigations are honoured only from the page the
// window was opened on (Electron security checklist: validate the sender of every IPC message).

/**
 * True when `url` is the app page at `appUrl`: for a file:// app the same file (any query or
 * hash), for a dev server the same origin.
 */
export function isAppUrl(url: string | undefined, appUrl: string): boolean {
  if (!url) return false;
  let u: URL, app: URL;
  try {
    u = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return u.protocol === 'file:' && u.host === app.host && decodeURIComponent(u.pathname) === decodeURIComponent(app.pathname);
  return u.origin === app.origin;
}

/** Links the app may hand to the system browser; everything else is refused. */
export function isExternalWebLink(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
