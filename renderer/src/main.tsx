import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createBrowserHost } from './host/browserHost';
import { hostForWindow } from './host/electronHost';
import { installTestHook } from './testHook';
import { warmUpWindow } from './document/warmUp';
import { rehearseDrawing } from './canvas/Rehearsal';
import { warmUpFonts } from './fontWarmUp';
import { useDocumentStore } from './store/documentStore';
import { useViewStore } from './store/viewStore';
import './styles.css';

const host = hostForWindow() ?? createBrowserHost();
// Store access for end-to-end tests (window.__mlsurgeon) exists only in the build the e2e runner
// makes (`vite build --mode test`); in any other build this branch is constant-false and the
// bundler drops installTestHook, so a shipped app exposes no such handle to the page.
if (import.meta.env.MODE === 'test') installTestHook();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App host={host} />
  </StrictMode>,
);
// Once the window is drawn and idle, unless a file is already on its way: the fonts of the
// document view loaded (fontWarmUp.ts: the most saved per millisecond spent, so first), the open
// path's code warmed up, then a model drawn off screen (canvas/Rehearsal.tsx).
const fileOnItsWay = (): boolean => !!useDocumentStore.getState().document || !!useViewStore.getState().loading;
requestIdleCallback(() => {
  if (!fileOnItsWay()) { warmUpFonts(); performance.mark('mlsurgeon:fonts-warmed'); }
  requestIdleCallback(() => {
    warmUpWindow();
    if (!fileOnItsWay()) rehearseDrawing(host, () => performance.mark('mlsurgeon:rehearsal-drawn'));
  }, { timeout: 2000 });
}, { timeout: 2000 });
