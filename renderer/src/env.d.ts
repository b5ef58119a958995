/// <reference types="vite/client" />
import type { DesktopApi } from '../../shared/host';
import type { TestHook } from './testHook';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in the browser build. */
    readonly mlsurgeon?: DesktopApi;
    /** Store access for end-to-end tests (see testHook.ts). */
    __mlsurgeon?: TestHook;
  }
}
