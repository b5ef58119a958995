// The toolbar: open, save, undo and redo, constant folding, shapes, zoom to fit, model-wide
// actions, search, the problem counts and the document's name (with • while unsaved).
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { actionLabel, actionSpec, menuSections, type ActionId } from '../../../shared/host';
import { actionTestId, actionTitle, isCommand, isEnabled, runAction, SEARCH_INPUT_ID, useActionState } from '../actionTable';
import { openPayload, packageModelFileName, setFoldConstants } from '../actions';
import { matchIndex, searchGraph } from '../canvas/search';
import { useHost } from '../hostContext';
import { payloadFromFileInput, payloadFromFolderInput } from '../host/readFiles';
import { useDockShown } from './Dock';
import { useDocumentStore } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';

/** A button for an action of the table: its label (or `children`), tooltip, enabled state and run. */
function ActionButton(props: { readonly id: ActionId; readonly testId?: string; readonly className?: string; readonly children?: ReactNode }) {
  const host = useHost();
  const state = useActionState();
  const { id } = props;
  if (!isCommand(id)) throw new Error(`the toolbar cannot run action "${id}" on its own`);
  const label = actionSpec(id).shortLabel ?? actionLabel(id);
  return (
    <button type="button" className={props.className} data-testid={props.testId ?? actionTestId(id)} disabled={!isEnabled(id, state)}
      title={actionTitle(id, host)} aria-label={props.children === undefined ? undefined : label} onClick={() => runAction(id, host, 'button')}>
      {props.children ?? label}
    </button>
  );
}

function OpenButtons() {
  const host = useHost();
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  if (host.openDialog) return <ActionButton id="open" />;
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
  if (!doc) return <button type="button" disabled>{actionLabel('save')}</button>;
  const specOnly = doc.format === 'mlpackage' && !host.canSavePackages;
  const browserPackage = doc.format === 'mlpackage' && host.kind === 'browser' && !specOnly ? host.packageSave : undefined;
  const title = specOnly
    ? `This host cannot write a .mlpackage folder. This downloads the package's model specification as ${packageModelFileName(doc.name)}, without its weight file; use the desktop app to save the package.`
    : browserPackage === 'folder' ? `Write ${doc.name} with its weight files into a folder you choose`
      : browserPackage === 'zip' ? `Download ${doc.name} with its weight files as ${doc.name.replace(/\/$/, '')}.zip (this browser cannot write folders)`
        : host.kind === 'browser' ? `Download ${doc.name}` : `Save ${doc.name}`;
  const label = specOnly ? 'Download spec only' : browserPackage === 'folder' ? 'Save package…' : browserPackage === 'zip' ? 'Download .zip' : host.kind === 'browser' ? 'Download' : actionLabel('save');
  return (
    <>
      <button type="button" data-testid="save" title={actionTitle('save', host, title)} onClick={() => runAction('save', host, 'button')}>
        {label}
      </button>
      {host.kind === 'electron' && <ActionButton id="saveAs" />}
    </>
  );
}

function UndoRedo() {
  return (
    <>
      <ActionButton id="undo" className="icon">↶</ActionButton>
      <ActionButton id="redo" className="icon">↷</ActionButton>
    </>
  );
}

/** The Model ▾ menu: the table's model.* actions; each opens a dialog that shows what it will change. */
function ModelActions() {
  const host = useHost();
  const doc = useDocumentStore((s) => s.document);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => { if (!ref.current?.contains(e.target as Node)) setOpen(false); };
    window.addEventListener('mousedown', onDown, true);
    return () => window.removeEventListener('mousedown', onDown, true);
  }, [open]);
  const run = (id: ActionId) => () => { setOpen(false); if (isCommand(id)) runAction(id, host, 'button'); };
  return (
    <div className="menu-button" ref={ref}>
      <button type="button" disabled={!doc} data-testid="model-actions" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>Model ▾</button>
      {open && (
        <div className="dropdown" role="menu" data-testid="model-actions-menu" onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}>
          {menuSections('model').flatMap((s) => s.actions).map((id) => (
            <button key={id} type="button" role="menuitem" data-testid={`action-${actionTestId(id)}`} onClick={run(id)}>{actionLabel(id)}</button>
          ))}
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
  const host = useHost();
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
        title={`${actionTitle('find', host)}; Enter for the next match`}
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

/** A checkbox for an action that turns a view setting on and off. */
function ActionToggle(props: { readonly id: 'foldConstants' | 'toggleShapes'; readonly checked: boolean; readonly onChange: (on: boolean) => void }) {
  const host = useHost();
  const enabled = isEnabled(props.id, useActionState());
  return (
    <label className={`toggle${enabled ? '' : ' disabled'}`} title={actionTitle(props.id, host)}>
      <input type="checkbox" checked={props.checked} disabled={!enabled} data-testid={actionTestId(props.id)} onChange={(e) => props.onChange(e.target.checked)} />
      {actionSpec(props.id).shortLabel ?? actionLabel(props.id)}
    </label>
  );
}

export function Toolbar() {
  const doc = useDocumentStore((s) => s.document);
  const fold = useViewStore((s) => s.foldConstants);
  const shapes = useViewStore((s) => s.showShapes);
  const loading = useViewStore((s) => s.loading);

  return (
    <header className="toolbar" data-testid="toolbar">
      <div className="brand">ML Surgeon</div>
      <div className="toolbar-group"><OpenButtons /><SaveButton /></div>
      <div className="toolbar-group"><UndoRedo /></div>
      <div className="toolbar-group">
        <ActionToggle id="foldConstants" checked={fold} onChange={(on) => void setFoldConstants(on)} />
        <ActionToggle id="toggleShapes" checked={shapes} onChange={(on) => { if (on !== useViewStore.getState().showShapes) useViewStore.getState().toggleShapes(); }} />
        <ActionButton id="zoomToFit" testId="zoom-fit" />
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
