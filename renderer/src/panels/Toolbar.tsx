// The toolbar: open, save, constant folding, zoom to fit, search.
import { useEffect, useMemo, useRef } from 'react';
import { openPayload, packageModelFileName, saveDocument, setFoldConstants } from '../actions';
import { searchGraph } from '../canvas/search';
import { useHost } from '../hostContext';
import { payloadFromFileInput, payloadFromFolderInput } from '../host/readFiles';
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
  const title = specOnly
    ? `A browser cannot write a .mlpackage folder. This downloads the package's model specification as ${packageModelFileName(doc.name)}, without its weight file; use the desktop app to save the package.`
    : host.kind === 'browser' ? `Download ${doc.name}` : `Save ${doc.name}`;
  return (
    <button type="button" data-testid="save" title={title} onClick={() => void saveDocument(host)}>
      {specOnly ? 'Download spec only' : host.kind === 'browser' ? 'Download' : 'Save'}
    </button>
  );
}

function Search() {
  const doc = useDocumentStore((s) => s.document);
  const query = useViewStore((s) => s.searchQuery);
  const index = useViewStore((s) => s.searchIndex);
  const setSearch = useViewStore((s) => s.setSearch);
  const matches = useMemo(() => (doc ? searchGraph(doc.graph, query) : []), [doc, query]);
  const n = matches.length;
  const shown = n ? ((index % n) + n) % n + 1 : 0;
  return (
    <div className="search" role="search">
      <input
        id={SEARCH_INPUT_ID}
        type="search"
        placeholder="Find layer, type or blob (Ctrl+F)"
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
      <div className="toolbar-group">
        <label className={`toggle${hasProgram ? '' : ' disabled'}`} title="ML Programs: show const operations folded into the attributes of the operations that use them">
          <input type="checkbox" checked={fold} disabled={!hasProgram} data-testid="fold-constants" onChange={(e) => void setFoldConstants(e.target.checked)} />
          Fold constants
        </label>
        <button type="button" disabled={!doc} data-testid="zoom-fit" onClick={() => useViewStore.getState().requestFit()}>Zoom to fit</button>
      </div>
      <Search />
      <div className="doc-title" data-testid="doc-title">
        {loading ? <span className="loading" data-testid="loading"><span className="spinner" aria-hidden /> Opening {loading.name}…</span> : doc ? <span title={doc.path ?? doc.name}>{doc.name}</span> : null}
      </div>
    </header>
  );
}
