// The last run's values (outputs first, then every blob in the order the layers made them) and
// the time each layer took.
import { useMemo, useState } from 'react';
import { numericForm } from '../../../shared/executor';
import { revealElement } from '../reveal';
import { useDocumentStore } from '../store/documentStore';
import { useRunStore, type RunRecord } from './runStore';
import { formatShape } from './tensorView';

export function BlobList(props: { run: RunRecord }) {
  const { run } = props;
  const selected = useRunStore((s) => s.selectedBlob);
  const [filter, setFilter] = useState('');
  const rows = useMemo(() => {
    const out: { name: string; kind: 'output' | 'input' | 'blob'; shape: string }[] = [];
    for (const [name, v] of run.outputs) {
      const t = numericForm(v);
      out.push({ name, kind: 'output', shape: t ? formatShape(t.shape) : v.kind });
    }
    for (const [name, t] of run.blobs) if (!run.outputs.has(name)) out.push({ name, kind: run.inputs.has(name) ? 'input' : 'blob', shape: formatShape(t.shape) });
    return out;
  }, [run]);
  const q = filter.trim().toLowerCase();
  const shown = q ? rows.filter((r) => r.name.toLowerCase().includes(q)) : rows;
  return (
    <div className="run-list" data-testid="blob-list" data-count={rows.length}>
      <input type="search" placeholder="Filter blobs" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="blob-filter" />
      <ul>
        {shown.map((r) => (
          <li key={`${r.kind}:${r.name}`}>
            <button type="button" className={`run-row${r.name === selected ? ' selected' : ''}`} data-testid="blob-row" data-blob={r.name} data-kind={r.kind}
              onClick={() => useRunStore.getState().selectBlob(r.name)}>
              <span className={`run-kind ${r.kind}`}>{r.kind === 'output' ? 'out' : r.kind === 'input' ? 'in' : ''}</span>
              <span className="run-row-name" title={r.name}>{r.name}</span>
              <span className="run-row-shape">{r.shape}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ProfileList(props: { run: RunRecord }) {
  const { run } = props;
  const [byTime, setByTime] = useState(false);
  const total = run.profile.reduce((s, p) => s + p.ms, 0);
  const peak = Math.max(1e-9, ...run.profile.map((p) => p.ms));
  const rows = byTime ? [...run.profile].sort((a, b) => b.ms - a.ms) : run.profile;
  const select = (layer: string) => {
    const doc = useDocumentStore.getState().document;
    const node = doc?.graph.nodes.find((n) => n.kind === 'layer' && n.label === layer && n.path.length === 3);
    if (node) {
      revealElement(node.id);
      const out = node.outputs.find((o) => run.blobs.has(o) || run.outputs.has(o));
      if (out) useRunStore.getState().selectBlob(out);
    }
  };
  return (
    <div className="run-list" data-testid="profile-list" data-count={run.profile.length}>
      <div className="run-list-head">
        <span>{run.profile.length} layers, {total.toFixed(1)} ms</span>
        <label className="toggle"><input type="checkbox" checked={byTime} onChange={(e) => setByTime(e.target.checked)} /> slowest first</label>
      </div>
      {run.profile.length === 0 && <div className="muted small run-pad">This model has no layers to time (a classic model or a pipeline runs as one step).</div>}
      <ul>
        {rows.map((p, i) => (
          <li key={`${p.layer}-${i}`}>
            <button type="button" className="run-row" data-testid="profile-row" data-layer={p.layer} onClick={() => select(p.layer)} title={`${p.layer} (${p.type}): ${p.ms.toFixed(3)} ms`}>
              <span className="run-row-name">{p.layer}</span>
              <span className="run-row-bar"><span style={{ width: `${(p.ms / peak) * 100}%` }} /></span>
              <span className="run-row-ms">{p.ms < 0.01 ? '<0.01' : p.ms.toFixed(2)}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
