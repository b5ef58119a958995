// What became of an edit that did not happen: the operation and the reason it was refused, with
// the validation errors it would have brought in and a way out when there is one ("Apply anyway",
// "Delete with its dangling inputs"). Stays until dismissed or superseded: a newer toast, or a
// new revision of the document (an edit, undo or redo), since it describes the one before.
import { formatPath } from '../../../shared/format';
import { useViewStore } from '../store/viewStore';
import { SEVERITY_ICON, useDockShown } from './Dock';

/** Findings listed in full; the rest are counted (the Problems panel lists them once applied). */
const SHOWN_DIAGNOSTICS = 5;

export function Toast() {
  const toast = useViewStore((s) => s.toast);
  const dismiss = useViewStore((s) => s.dismissToast);
  const aboveDock = useDockShown();
  if (!toast) return null;
  const diagnostics = toast.diagnostics ?? [];
  return (
    <div className={`toast ${toast.kind}${aboveDock ? ' above-dock' : ''}`} role="alert" data-testid="toast" data-kind={toast.kind} key={toast.id}>
      <div className="toast-body">
        <div className="toast-title" data-testid="toast-title">{toast.kind === 'refused' ? 'Not done: ' : ''}{toast.title}</div>
        <div className="toast-message" data-testid="toast-message">{toast.message}</div>
        {diagnostics.length > 0 && (
          <ul className="inspector-findings toast-diagnostics">
            {diagnostics.slice(0, SHOWN_DIAGNOSTICS).map((d, i) => (
              <li key={i} className={d.severity} data-testid="toast-diagnostic" data-code={d.code} data-path={formatPath(d.path)}>
                <span className="sev-icon" aria-label={d.severity}>{SEVERITY_ICON[d.severity]}</span> {d.message}
              </li>
            ))}
            {diagnostics.length > SHOWN_DIAGNOSTICS && <li className="muted">… and {diagnostics.length - SHOWN_DIAGNOSTICS} more</li>}
          </ul>
        )}
        {toast.actions && (
          <div className="toast-actions">
            {toast.actions.map((a) => <button key={a.testId} type="button" data-testid={a.testId} onClick={() => { dismiss(); a.run(); }}>{a.label}</button>)}
          </div>
        )}
      </div>
      <button type="button" className="toast-close" aria-label="Dismiss" data-testid="toast-dismiss" onClick={dismiss}>×</button>
    </div>
  );
}
