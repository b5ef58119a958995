import { createContext, useContext } from 'react';
import type { Host } from './host/host';

export const HostContext = createContext<Host | null>(null);

export function useHost(): Host {
  const h = useContext(HostContext);
  if (!h) throw new Error('HostContext is not provided');
  return h;
}
