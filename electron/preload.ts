// The preload: runs sandboxed, before the page, and gives it window.mlsurgeon and nothing else
// (contextIsolation: the page never sees ipcRenderer or Node).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createDesktopApi } from './desktop-api';

contextBridge.exposeInMainWorld('mlsurgeon', createDesktopApi(ipcRenderer, (file: File) => webUtils.getPathForFile(file)));
