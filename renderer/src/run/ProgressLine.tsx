// A run's or a comparison's state in one line: a progress bar while it runs, the reason when it failed.
import type { RunStatus } from './runStore';

export function ProgressLine(props: { status: RunStatus }) {
  const { status } = props;
  if (status.kind === 'running') {
    const p = status.progress;
    const fraction = p && p.total > 0 ? p.done / p.total : undefined;
    return (
      <div className="run-progress" data-testid="run-progress" data-done={p?.done ?? 0} data-total={p?.total ?? 0}>
        <div className="run-progress-bar"><span style={{ width: fraction === undefined ? '0%' : `${fraction * 100}%` }} /></div>
        <span className="small">{status.what}{p?.step ? ` ${p.step}` : ''}{p ? `: layer ${p.done} of ${p.total}` : '…'}</span>
      </div>
    );
  }
  if (status.kind === 'failed') return <div className="warn small run-status" data-testid="run-error">{status.message}</div>;
  if (status.kind === 'cancelled') return <div className="muted small run-status" data-testid="run-cancelled">Cancelled.</div>;
  return null;
}
