// Messages about files: a model that does not decode, a package with a missing weight file, a
// failed save. The open document is never replaced by an error.
import { useViewStore } from '../store/viewStore';

export function Problems() {
  const problems = useViewStore((s) => s.problems);
  const notice = useViewStore((s) => s.notice);
  const dismiss = useViewStore((s) => s.dismissProblem);
  const clearNotice = useViewStore((s) => s.setNotice);
  if (!problems.length && !notice) return null;
  return (
    <div className="problems" role="alert">
      {problems.map((p) => (
        <div key={p.id} className="problem" data-testid="problem">
          <span className="problem-text"><strong>{p.file}</strong>: {p.message}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(p.id)}>×</button>
        </div>
      ))}
      {notice && (
        <div className="notice" data-testid="notice">
          <span>{notice}</span>
          <button type="button" aria-label="Dismiss" onClick={() => clearNotice(null)}>×</button>
        </div>
      )}
    </div>
  );
}
