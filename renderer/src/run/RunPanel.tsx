// The Run panel at the bottom of the window: run the current revision on the CPU executor (in a
// worker) on chosen inputs, everything or up to the selected layer, then look at any blob:
// click it in the list, or select its layer or connection on the canvas. The Compare tab runs the
// same inputs through the revision the history starts at and the current one.
import { useEffect, useRef } from 'react';
import { graphEdgeIds } from '../editing';
import { useDocumentStore } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import { executorClient } from '../worker/executorClient';
import { CompareView } from './CompareView';
import { InputsSection } from './InputsSection';
import { ProgressLine } from './ProgressLine';
import { cancelRun, startRun, stopAfterLayer } from './runActions';
import { BlobList, ProfileList } from './RunLists';
import { useRunStore, type RunRecord } from './runStore';
import { TensorViewer } from './TensorViewer';
import './run.css';

/** After a run, the canvas selection picks the blob to show: a layer's (first) output, a connection's blob, a feature. */
function useFollowCanvasSelection(): void {
  const selection = useViewStore((s) => s.selection);
  const edgeSelection = useViewStore((s) => s.edgeSelection);
  const result = useRunStore((s) => s.result);
  useEffect(() => {
    const doc = useDocumentStore.getState().document;
    if (!result || !doc) return;
    const has = (b: string) => result.blobs.has(b) || result.outputs.has(b);
    let blob: string | undefined;
    if (edgeSelection) {
      const id = graphEdgeIds(edgeSelection)[0];
      blob = doc.graph.edges.find((e) => e.id === id)?.blob;
    } else if (selection) {
      const n = doc.graph.nodes.find((x) => x.id === selection);
      if (n) blob = n.kind === 'input' || n.kind === 'output' ? n.label : n.outputs.find(has);
    }
    if (blob && has(blob)) useRunStore.getState().selectBlob(blob);
  }, [selection, edgeSelection, result]);
}

function ResizeHandle() {
  const dragging = useRef(false);
  useEffect(() => {
    const move = (e: MouseEvent) => {
      if (!dragging.current) return;
      useRunStore.getState().setHeight(Math.max(200, Math.min(window.innerHeight - 160, window.innerHeight - e.clientY)));
    };
    const up = () => { dragging.current = false; document.body.style.cursor = ''; };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
    return () => { window.removeEventListener('mousemove', move); window.removeEventListener('mouseup', up); };
  }, []);
  return <div className="run-resize" title="Drag to resize" onMouseDown={(e) => { e.preventDefault(); dragging.current = true; document.body.style.cursor = 'row-resize'; }} />;
}

function runSummary(run: RunRecord, currentSeq: number | undefined): string {
  const layers = run.profile.length;
  const stale = currentSeq !== undefined && run.revisionSeq !== currentSeq ? ' · from an earlier revision' : '';
  return `${layers ? `${layers} layers` : 'ran'} in ${run.ms.toFixed(0)} ms${run.stopAfter ? `, stopped after ${run.stopAfter}` : ''} · ${run.blobs.size} blobs${stale}`;
}

function RunTab() {
  const status = useRunStore((s) => s.status);
  const result = useRunStore((s) => s.result);
  const selected = useRunStore((s) => s.selectedBlob);
  const listTab = useRunStore((s) => s.listTab);
  const seq = useDocumentStore((s) => s.revision?.seq);
  const selection = useViewStore((s) => s.selection);
  const graph = useDocumentStore((s) => s.document?.graph);
  const stopLayer = stopAfterLayer(graph?.nodes.find((n) => n.id === selection));
  const running = status.kind === 'running';
  return (
    <div className="run-body">
      <div className="run-col run-controls">
        <h3>Inputs</h3>
        <InputsSection />
        <div className="run-buttons">
          <button type="button" className="primary" data-testid="run-start" disabled={running} onClick={() => void startRun()}>Run</button>
          <button type="button" data-testid="run-to-selected" disabled={running || !stopLayer} onClick={() => void startRun(stopLayer)}
            title={stopLayer ? `Run the layers up to and including ${stopLayer}` : 'Select a layer of the network on the canvas to run up to it'}>
            {stopLayer ? `Run to ${stopLayer}` : 'Run to selected layer'}
          </button>
          {running && <button type="button" data-testid="run-cancel" onClick={cancelRun}>Cancel</button>}
        </div>
        <ProgressLine status={status} />
        {result && <div className="muted small" data-testid="run-summary">{runSummary(result, seq)} (decode {result.decodeMs.toFixed(0)} ms, {executorClient.threads} thread{executorClient.threads === 1 ? '' : 's'})</div>}
      </div>
      <div className="run-col run-listcol">
        <div className="panel-tabs" role="tablist">
          <button type="button" role="tab" aria-selected={listTab === 'blobs'} data-testid="list-blobs" onClick={() => useRunStore.getState().setListTab('blobs')}>Blobs</button>
          <button type="button" role="tab" aria-selected={listTab === 'profile'} data-testid="list-profile" onClick={() => useRunStore.getState().setListTab('profile')}>Time per layer</button>
        </div>
        {!result && <div className="muted small run-pad">Run the model to list its blobs and the time each layer takes.</div>}
        {result && (listTab === 'blobs' ? <BlobList run={result} /> : <ProfileList run={result} />)}
      </div>
      <div className="run-col run-viewercol">
        {result && selected ? <TensorViewer name={selected} run={result} />
          : <div className="muted run-pad" data-testid="tensor-viewer-empty">{result ? 'Pick a blob in the list, or select a layer or connection on the canvas.' : 'After a run, every blob can be looked at here.'}</div>}
      </div>
    </div>
  );
}

export function RunPanel() {
  const hasDoc = useDocumentStore((s) => !!s.document);
  const open = useRunStore((s) => s.open);
  const height = useRunStore((s) => s.height);
  const tab = useRunStore((s) => s.tab);
  const result = useRunStore((s) => s.result);
  const status = useRunStore((s) => s.status);
  const seq = useDocumentStore((s) => s.revision?.seq);
  useFollowCanvasSelection();
  // Toasts sit above the bottom panels (run.css reads this).
  useEffect(() => {
    const root = document.documentElement.style;
    root.setProperty('--run-panel-height', `${hasDoc ? (open ? height : 31) : 0}px`);
    return () => { root.removeProperty('--run-panel-height'); };
  }, [hasDoc, open, height]);
  if (!hasDoc) return null;
  const store = useRunStore.getState();
  return (
    <section className={`run-panel${open ? ' open' : ''}`} data-testid="run-panel" data-open={open ? 'true' : 'false'} style={open ? { height } : undefined}>
      {open && <ResizeHandle />}
      <header className="run-header">
        <button type="button" className="run-toggle" data-testid="run-toggle" aria-expanded={open} onClick={() => store.setOpen(!open)}
          title={open ? 'Hide the Run panel' : 'Run the model on the CPU and look at every layer’s output'}>
          <span aria-hidden>{open ? '▾' : '▸'}</span> Run
        </button>
        {open && (
          <div className="run-tabs" role="tablist">
            <button type="button" role="tab" aria-selected={tab === 'run'} data-testid="run-tab" onClick={() => store.setTab('run')}>Run</button>
            <button type="button" role="tab" aria-selected={tab === 'compare'} data-testid="compare-tab" onClick={() => store.setTab('compare')}>Compare</button>
          </div>
        )}
        <span className="run-header-status muted small">
          {status.kind === 'running' ? `${status.what}${status.progress ? `: layer ${status.progress.done} of ${status.progress.total}` : '…'}` : result ? `Last run: ${runSummary(result, seq)}` : 'Run the model on the CPU and look at every layer’s output'}
        </span>
      </header>
      {open && (tab === 'run' ? <RunTab /> : <CompareView />)}
    </section>
  );
}
