import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createBrowserHost } from './host/browserHost';
import { hostForWindow } from './host/electronHost';
import { installTestHook } from './testHook';
import './styles.css';

const host = hostForWindow() ?? createBrowserHost();
installTestHook();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App host={host} />
  </StrictMode>,
);
