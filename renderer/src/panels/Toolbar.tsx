// The toolbar: open, save, undo and redo, constant folding, shapes, zoom to fit, model-wide
// actions, search, the problem counts and the document's name (with • while unsaved).
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { openPayload, packageModelFileName, saveDocument, setFoldConstants } from '../actions';
import { matchIndex, searchGraph } from '../canvas/search';
import { useHost } from '../hostContext';
import { payloadFromFileInput, payloadFromFolderInput } from '../host/readFiles';
import { redo, undo } from '../editing';
import { useDockShown } from './Dock';
import { useDocumentStore } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';

/** Focus target for Ctrl/Cmd+F and the Find menu command. */
export const SEARCH_INPUT_ID = 'graph-search';

export function focusSearch(): void {
  const el = document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null;
  el?.focus();
  el?.select();
}

function OpenButtons() {
  const host = useHost();
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  if (host.openDialog) {
    const open = host.openDialog;
    return <button type="button" data-testid="open" onClick={() => void open().then((p) => p && openPayload(p))}>Open…</button>;
  }
  return (
    <>
      <button type="button" data-testid="open-file" onClick={() => fileInput.current?.click()} title="Open a .mlmodel file">Open model…</button>
      <button type="button" data-testid="open-folder" onClick={() => folderInput.current?.click()} title="Open a .mlpackage folder (all of its files are read)">Open .mlpackage…</button>
      <input
        ref={fileInput} type="file" accept=".mlmodel,application/octet-stream" hidden data-testid="open-file-input"
        onChange={(e) => { const files = e.currentTarget.files; if (files) void payloadFromFileInput(files).then((p) => p && openPayload(p)); e.currentTarget.value = ''; }}
      />
      <input
        ref={folderInput} type="file" hidden data-testid="open-folder-input"
        {...{ webkitdirectory: '', directory: '' }}
        onChange={(e) => { const files = e.currentTarget.files; if (files) void payloadFromFolderInput(files).then((p) => p && openPayload(p)); e.currentTarget.value = ''; }}
      />
    </>
  );
}

function SaveButton() {
  const host = useHost();
  const doc = useDocumentStore((s) => s.document);
  if (!doc) return <button type="button" disabled>Save</button>;
  const specOnly = doc.format === 'mlpackage' && !host.canSavePackages;
  const browserPackage = doc.format === 'mlpackage' && host.kind === 'browser' && !specOnly ? host.packageSave : undefined;
  const title = specOnly
    ? `This host cannot write a .mlpackage folder. This downloads the package's model specification as ${packageModelFileName(doc.name)}, without its weight file; use the desktop app to save the package.`
    : browserPackage === 'folder' ? `Write ${doc.name} with its weight files into a folder you choose`
      : browserPackage === 'zip' ? `Download ${doc.name} with its weight files as ${doc.name.replace(/\/$/, '')}.zip (this browser cannot write folders)`
        : host.kind === 'browser' ? `Download ${doc.name}` : `Save ${doc.name}`;
  const label = specOnly ? 'Download spec only' : browserPackage === 'folder' ? 'Save package…' : browserPackage === 'zip' ? 'Download .zip' : host.kind === 'browser' ? 'Download' : 'Save';
  return (
    <>
      <button type="button" data-testid="save" title={`${title} (Ctrl+S)`} onClick={() => void saveDocument(host, 'save')}>
        {label}
      </button>
      {host.kind === 'electron' && <button type="button" data-testid="save-as" title="Save a copy somewhere else (Ctrl+Shift+S)" onClick={() => void saveDocument(host, 'saveAs')}>Save As…</button>}
    </>
  );
}

function UndoRedo() {
  const past = useStore(useDocumentStore.temporal, (s) => s.pastStates.length);
  const future = useStore(useDocumentStore.temporal, (s) => s.futureStates.length);
  const hasDoc = useDocumentStore((s) => !!s.document);
  return (
    <>
      <button type="button" className="icon" data-testid="undo" disabled={!hasDoc || past === 0} onClick={() => undo()} title="Undo (Ctrl+Z)" aria-label="Undo">↶</button>
      <button type="button" className="icon" data-testid="redo" disabled={!hasDoc || future === 0} onClick={() => redo()} title="Redo (Ctrl+Shift+Z, Ctrl+Y)" aria-label="Redo">↷</button>
    </>
  );
}

/** Model-wide actions: each opens a dialog that shows what it will change. */
function ModelActions() {
  const doc = useDocumentStore((s) => s.document);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => { if (!ref.current?.contains(e.target as Node)) setOpen(false); };
    window.addEventListener('mousedown', onDown, true);
    return () => window.removeEventListener('mousedown', onDown, true);
  }, [open]);
  const show = (kind: 'fp16' | 'quantize' | 'convertKind' | 'specVersion') => () => { setOpen(false); useViewStore.getState().setDialog({ kind }); };
  return (
    <div className="menu-button" ref={ref}>
      <button type="button" disabled={!doc} data-testid="model-actions" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>Model ▾</button>
      {open && (
        <div className="dropdown" role="menu" data-testid="model-actions-menu" onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}>
          <button type="button" role="menuitem" data-testid="action-fp16" onClick={show('fp16')}>Convert weights to fp16…</button>
          <button type="button" role="menuitem" data-testid="action-quantize" onClick={show('quantize')}>Quantize weights…</button>
          <button type="button" role="menuitem" data-testid="action-convert-kind" onClick={show('convertKind')}>Convert to classifier / regressor / network…</button>
          <button type="button" role="menuitem" data-testid="action-spec-version" onClick={show('specVersion')}>Set specification version…</button>
        </div>
      )}
    </div>
  );
}

function ProblemCounts() {
  const counts = useDocumentStore((s) => s.document?.diagnosticIndex.counts);
  const dockOpen = useDockShown();
  if (!counts) return null;
  return (
    <button type="button" className={`problem-counts${counts.error ? ' has-errors' : counts.warning ? ' has-warnings' : ''}`} data-testid="problem-counts"
      data-errors={counts.error} data-warnings={counts.warning}
      title={dockOpen ? 'Hide the Problems and History panel' : 'Show the Problems and History panel'}
      onClick={() => useViewStore.getState().setDockOpen(!dockOpen)}>
      <span className="sev error">✕ {counts.error}</span> <span className="sev warning">⚠ {counts.warning}</span>
    </button>
  );
}

function Search() {
  const doc = useDocumentStore((s) => s.document);
  const query = useViewStore((s) => s.searchQuery);
  const index = useViewStore((s) => s.searchIndex);
  const setSearch = useViewStore((s) => s.setSearch);
  // The canvas selects matches from this same list (canvas/search.ts).
  const matches = doc ? searchGraph(doc.graph, query) : [];
  const n = matches.length;
  const shown = matchIndex(matches, index) + 1;
  return (
    <div className="search" role="search">
      <input
        id={SEARCH_INPUT_ID}
        type="search"
        placeholder="Find layer, type or blob"
        title="Find a layer, type or blob (Ctrl+F); Enter for the next match"
        value={query}
        disabled={!doc}
        data-testid="search-input"
        onChange={(e) => setSearch(e.target.value, 0)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') { e.preventDefault(); setSearch(query, index + (e.shiftKey ? -1 : 1)); }
          if (e.key === 'Escape') { setSearch('', 0); (e.target as HTMLInputElement).blur(); }
        }}
      />
      {query && <span className="search-count" data-testid="search-count">{n ? `${shown} / ${n}` : 'no match'}</span>}
    </div>
  );
}

export function Toolbar() {
  const doc = useDocumentStore((s) => s.document);
  const fold = useViewStore((s) => s.foldConstants);
  const shapes = useViewStore((s) => s.showShapes);
  const loading = useViewStore((s) => s.loading);
  const hasProgram = !!doc?.inspect.mlProgram || !!doc?.graph.nodes.some((n) => n.kind === 'operation');

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f') { e.preventDefault(); focusSearch(); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <header className="toolbar" data-testid="toolbar">
      <div className="brand">ML Surgeon</div>
      <div className="toolbar-group"><OpenButtons /><SaveButton /></div>
      <div className="toolbar-group"><UndoRedo /></div>
      <div className="toolbar-group">
        <label className={`toggle${hasProgram ? '' : ' disabled'}`} title="ML Programs: show const operations folded into the attributes of the operations that use them">
          <input type="checkbox" checked={fold} disabled={!hasProgram} data-testid="fold-constants" onChange={(e) => void setFoldConstants(e.target.checked)} />
          Fold constants
        </label>
        <label className={`toggle${doc ? '' : ' disabled'}`} title="Label each connection with the inferred shape of its blob (View > Toggle Shapes)">
          <input type="checkbox" checked={shapes} disabled={!doc} data-testid="toggle-shapes" onChange={() => useViewStore.getState().toggleShapes()} />
          Shapes
        </label>
        <button type="button" disabled={!doc} data-testid="zoom-fit" onClick={() => useViewStore.getState().requestFit()}>Zoom to fit</button>
        <ModelActions />
      </div>
      <Search />
      <ProblemCounts />
      <div className="doc-title" data-testid="doc-title">
        {loading
          ? <span className="loading" data-testid="loading"><span className="spinner" aria-hidden /> Opening {loading.name}…</span>
          : doc ? <span title={doc.path ?? doc.name}>{doc.dirty && <span className="dirty" data-testid="dirty-indicator" title="Unsaved changes">• </span>}{doc.name}</span> : null}
      </div>
    </header>
  );
}
