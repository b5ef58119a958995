import { useEffect, useState, type DragEvent } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { openPayload, saveDocument } from './actions';
import { Canvas } from './canvas/Canvas';
import { HostContext, useHost } from './hostContext';
import type { Host } from './host/host';
import { Inspector } from './inspector/Inspector';
import { EmptyState } from './panels/EmptyState';
import { ModelPanel } from './panels/ModelPanel';
import { Problems } from './panels/Problems';
import { focusSearch, Toolbar } from './panels/Toolbar';
import { useDocumentStore, withoutHistory } from './store/documentStore';
import { useViewStore } from './store/viewStore';

function HostWiring() {
  const host = useHost();
  const doc = useDocumentStore((s) => s.document);
  useEffect(() => host.onOpenRequest((p) => void openPayload(p)), [host]);
  useEffect(() => host.onMenuCommand((c) => {
    switch (c) {
      case 'open': if (host.openDialog) void host.openDialog().then((p) => p && openPayload(p)); break;
      case 'save': case 'saveAs': void saveDocument(host); break;
      case 'find': focusSearch(); break;
      case 'zoomToFit': useViewStore.getState().requestFit(); break;
      case 'close': withoutHistory(() => useDocumentStore.getState().close(), true); break;
      // undo/redo arrive with surgery commands; toggleShapes with shape inference.
      default: break;
    }
  }), [host]);
  useEffect(() => host.setDocumentState({ title: doc?.name ?? '', dirty: !!doc?.dirty }), [host, doc]);
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
