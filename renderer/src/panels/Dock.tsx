// The bottom dock: the Problems list (every validation finding of the current revision) and the
// History list (every revision, the current one marked; click one to go there).
import { useStore } from 'zustand';
import { formatPath } from '../../../shared/format';
import type { Diagnostic, Severity } from '../../../shared/validate';
import { jumpTo } from '../editing';
import { revealElement } from '../reveal';
import { historyView, useDocumentStore } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';

export const SEVERITY_ICON: Readonly<Record<Severity, string>> = { error: '✕', warning: '⚠', info: 'ℹ' };

/** Selects what a finding is about and shows its field in the inspector (or the model panel). */
export function goToDiagnostic(d: Diagnostic): void {
  const doc = useDocumentStore.getState().document;
  if (!doc) return;
  const view = useViewStore.getState();
  const id = doc.diagnosticIndex.elementOf.get(d);
  if (id) {
    revealElement(id);
  } else {
    view.select(null);
    view.setLeftTab('model');
  }
  view.focusInspector(formatPath(d.path));
}

function ProblemsList() {
  const doc = useDocumentStore((s) => s.document);
  if (!doc) return null;
  const { diagnostics, diagnosticIndex: index } = doc;
  const labels = new Map([...doc.graph.nodes, ...doc.graph.groups.map((g) => ({ id: g.id, label: g.label }))].map((n) => [n.id, n.label]));
  return (
    <section className="dock-pane problems-pane" data-testid="problems-panel" data-count={diagnostics.length}>
      <h2>
        Problems
        <span className="dock-counts">
          <span className="sev error">{SEVERITY_ICON.error} {index.counts.error}</span> <span className="sev warning">{SEVERITY_ICON.warning} {index.counts.warning}</span>
          {index.counts.info > 0 && <> <span className="sev info">{SEVERITY_ICON.info} {index.counts.info}</span></>}
        </span>
      </h2>
      {doc.validationFailure && <div className="warn small">{doc.validationFailure}</div>}
      {diagnostics.length === 0 && <div className="muted dock-empty" data-testid="no-problems">No problems found: the model follows Core ML’s rules as far as ML Surgeon checks them.</div>}
      <ul className="diagnostics">
        {diagnostics.map((d, i) => {
          const el = index.elementOf.get(d);
          const where = formatPath(d.path) || '(model)';
          return (
            <li key={i}>
              <button
                type="button"
                className={`diagnostic ${d.severity}`}
                data-testid="diagnostic"
                data-severity={d.severity}
                data-code={d.code}
                data-path={where}
                data-element={el ?? ''}
                title={`${d.code}: click to select`}
                onClick={() => goToDiagnostic(d)}
              >
                <span className="sev-icon" aria-label={d.severity}>{SEVERITY_ICON[d.severity]}</span>
                <span className="diagnostic-message">{d.message}</span>
                <span className="diagnostic-where"><code>{where}</code>{el ? <span className="muted"> · {labels.get(el)}</span> : <span className="muted"> · model</span>}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function historySummary(done: number, undone: number): string {
  const edits = done === 0 ? 'no edits' : `${done} edit${done === 1 ? '' : 's'}`;
  return undone ? `${edits} · ${undone} to redo` : edits;
}

function HistoryList() {
  const past = useStore(useDocumentStore.temporal, (s) => s.pastStates);
  const future = useStore(useDocumentStore.temporal, (s) => s.futureStates);
  const revision = useDocumentStore((s) => s.revision);
  if (!revision) return null;
  const h = historyView(past, revision, future);
  return (
    <section className="dock-pane history-pane" data-testid="history-panel" data-current={h.current} data-count={h.entries.length}>
      <h2>History <span className="count">{historySummary(h.current, h.entries.length - 1 - h.current)}</span></h2>
      <ol className="history">
        {h.entries.map((e, i) => (
          <li key={`${e.seq}-${i}`}>
            <button
              type="button"
              className={`history-entry${i === h.current ? ' current' : ''}${i > h.current ? ' future' : ''}`}
              data-testid="history-entry"
              data-current={i === h.current ? 'true' : 'false'}
              aria-current={i === h.current ? 'step' : undefined}
              onClick={() => jumpTo(i)}
              title={i === h.current ? 'The current state' : i < h.current ? 'Go back to this state (undo)' : 'Go forward to this state (redo)'}
            >
              <span className="history-index">{i}</span>
              <span className="history-label" title={e.label}>{e.label}</span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Whether the dock is on screen: the user's choice, else once there are findings or edits. */
export function useDockShown(): boolean {
  const choice = useViewStore((s) => s.dockOpen);
  const findings = useDocumentStore((s) => s.document?.diagnostics.length ?? 0);
  const hasDoc = useDocumentStore((s) => !!s.document);
  const edits = useStore(useDocumentStore.temporal, (s) => s.pastStates.length + s.futureStates.length);
  return hasDoc && (choice ?? (findings > 0 || edits > 0));
}

export function Dock() {
  const shown = useDockShown();
  if (!shown) return null;
  return (
    <div className="dock" data-testid="dock">
      <ProblemsList />
      <HistoryList />
    </div>
  );
}
