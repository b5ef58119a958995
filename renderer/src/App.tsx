import { useEffect, useState, type DragEvent } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { openPayload } from './actions';
import { Canvas } from './canvas/Canvas';
import { commandForKeyDown, runAction } from './actionTable';
import { HostContext, useHost } from './hostContext';
import type { Host } from './host/host';
import { Inspector } from './inspector/Inspector';
import { ContextMenu } from './panels/ContextMenu';
import { Dialogs } from './panels/Dialogs';
import { Dock } from './panels/Dock';
import { EmptyState } from './panels/EmptyState';
import { ModelPanel } from './panels/ModelPanel';
import { Problems } from './panels/Problems';
import { Toast } from './panels/Toast';
import { Toolbar } from './panels/Toolbar';
import { RunPanel } from './run/RunPanel';
import { useDocumentStore } from './store/documentStore';
import { anyDirty, useTabs } from './store/workspace';
import { Builders } from './workspace/Builders';
import { PipelineEditor } from './workspace/PipelineEditor';
import { TabBar } from './workspace/TabBar';

function HostWiring() {
  const host = useHost();
  const name = useDocumentStore((s) => s.document?.name ?? '');
  // The window has unsaved changes when any tab has (the desktop app asks before closing it).
  const tabs = useTabs();
  const dirty = tabs.some((t) => t.dirty) || anyDirty();
  useEffect(() => host.onOpenRequest((p) => void openPayload(p)), [host]);
  useEffect(() => host.onMenuCommand((c) => runAction(c, host, 'menu')), [host]);
  useEffect(() => host.setDocumentState({ title: name, dirty }), [host, name, dirty]);
  // A browser tab asks before closing over unsaved changes (the desktop app's main process asks itself).
  useEffect(() => {
    if (!dirty || host.kind !== 'browser') return;
    const onBeforeUnload = (e: BeforeUnloadEvent): void => { e.preventDefault(); };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [host, dirty]);
  // Keyboard: the action table's key map (which keys the page claims, and when, is there).
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const command = commandForKeyDown(e);
      if (!command) return;
      e.preventDefault();
      runAction(command, host, 'key');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [host]);
  return null;
}

function Workspace() {
  const host = useHost();
  const doc = useDocumentStore((s) => s.document);
  const [dragging, setDragging] = useState(false);
  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    setDragging(false);
    // payloadFromDrop reads the entry synchronously before its first await (a DataTransfer is
    // only readable during the event).
    void host.payloadFromDrop(e.dataTransfer).then((p) => p && openPayload(p));
  };
  return (
    <div
      className={`app${dragging ? ' dragging' : ''}`}
      data-testid="app"
      onDragOver={(e) => { if ([...e.dataTransfer.types].includes('Files')) { e.preventDefault(); setDragging(true); } }}
      onDragLeave={(e) => { if (e.currentTarget === e.target) setDragging(false); }}
      onDrop={onDrop}
    >
      <HostWiring />
      <Toolbar />
      <TabBar />
      <Problems />
      <main className="workspace">
        {doc ? (
          <>
            <ModelPanel />
            <Canvas />
            <Inspector />
          </>
        ) : <EmptyState browser={host.kind === 'browser'} />}
      </main>
      <Dock />
      <RunPanel />
      <Toast />
      <ContextMenu />
      <Dialogs />
      <PipelineEditor />
      <Builders />
      {dragging && <div className="drop-overlay">Drop a .mlmodel file or .mlpackage folder to open it</div>}
    </div>
  );
}

export function App(props: { host: Host }) {
  return (
    <HostContext.Provider value={props.host}>
      <ReactFlowProvider>
        <Workspace />
      </ReactFlowProvider>
    </HostContext.Provider>
  );
}
