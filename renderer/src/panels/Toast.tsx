// What became of an edit that did not happen: the operation and the reason it was refused, with
// a way out when there is one ("Delete with its dangling inputs"). Stays until dismissed or the
// next successful edit.
import { useViewStore } from '../store/viewStore';
import { useDockShown } from './Dock';

export function Toast() {
  const toast = useViewStore((s) => s.toast);
  const dismiss = useViewStore((s) => s.dismissToast);
  const aboveDock = useDockShown();
  if (!toast) return null;
  return (
    <div className={`toast ${toast.kind}${aboveDock ? ' above-dock' : ''}`} role="alert" data-testid="toast" data-kind={toast.kind} key={toast.id}>
      <div className="toast-body">
        <div className="toast-title">{toast.kind === 'refused' ? 'Not done: ' : ''}{toast.title}</div>
        <div className="toast-message" data-testid="toast-message">{toast.message}</div>
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
