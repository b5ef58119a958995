// Compare: the same inputs through the document as it was at the start of the history (A) and as
// it is now (B). The summary follows WWDC18's "model size versus agreement" table for
// quantization (one row per version: its weight size, and its agreement with the original); the
// table below has every output and blob, matched by name, with max |A−B|, SNR and top-1 agreement.
import { useMemo } from 'react';
import { useStore } from 'zustand';
import { formatSnr, type ComparisonRow } from '../../../shared/executor/compare';
import { weightBytes, type WeightBytes } from '../../../shared/surgery/weights';
import { formatBytes } from '../inspector/format';
import { useDocumentStore } from '../store/documentStore';
import { cancelCompare, firstRevision, startCompare } from './runActions';
import { useRunStore, type CompareRecord } from './runStore';
import { formatShape } from './tensorView';
import { ProgressLine } from './ProgressLine';

const agreementText = (r: ComparisonRow): string => `${r.agree}/${r.runs} (${((100 * r.agree) / Math.max(1, r.runs)).toFixed(0)}%)`;
const maxAbsText = (r: ComparisonRow): string => (Number.isNaN(r.maxAbs) ? 'n/a' : r.maxAbs === 0 ? '0' : r.maxAbs.toExponential(2));

function bytesText(b: WeightBytes): string {
  const kinds = Object.entries(b.byKind).filter(([, n]) => n > 0);
  return `${formatBytes(b.total)}${kinds.length > 1 || (kinds.length === 1 && kinds[0][0] !== 'fp32') ? ` (${kinds.map(([k, n]) => `${k} ${formatBytes(n)}`).join(', ')})` : ''}`;
}

/** SNR colour bands: ≥ 40 dB indistinguishable in practice, 20–40 worth a look, below 20 suspicious. */
const snrClass = (snr: number): string => (Number.isNaN(snr) ? '' : snr >= 40 ? 'run-good' : snr >= 20 ? 'run-fair' : 'run-poor');

function Summary(props: { record: CompareRecord }) {
  const { record } = props;
  const { comparison } = record;
  const spec = record.b.spec;
  const labelName = spec.description?.predictedFeatureName;
  const probsName = spec.description?.predictedProbabilitiesName;
  const outputs = comparison.rows.filter((r) => r.kind === 'output');
  // The headline: the classifier's label for agreement and its probabilities for SNR, else the first output.
  const agreeRow = outputs.find((r) => r.name === labelName) ?? outputs[0];
  const snrRow = outputs.find((r) => r.name === probsName) ?? outputs.find((r) => r.numeric) ?? outputs[0];
  const sizeA = useMemo(() => weightBytes(record.a.spec), [record.a.spec]);
  const sizeB = useMemo(() => weightBytes(record.b.spec), [record.b.spec]);
  return (
    <table className="run-table run-summary" data-testid="compare-summary">
      <thead>
        <tr><th>version</th><th>weights</th><th>top-1 agreement{agreeRow ? <> (<code>{agreeRow.name}</code>)</> : null}</th><th>SNR dB{snrRow ? <> (<code>{snrRow.name}</code>)</> : null}</th></tr>
      </thead>
      <tbody>
        <tr data-testid="compare-version-a">
          <td>A: {record.a.label}</td><td>{bytesText(sizeA)}</td><td className="muted">reference</td><td className="muted">reference</td>
        </tr>
        <tr data-testid="compare-version-b">
          <td>B: {record.b.label}</td><td>{bytesText(sizeB)}</td>
          <td data-testid="compare-agreement">{agreeRow ? agreementText(agreeRow) : 'n/a'}</td>
          <td data-testid="compare-snr" className={snrRow ? snrClass(snrRow.snrDb) : ''}>{snrRow ? formatSnr(snrRow.snrDb) : 'n/a'}</td>
        </tr>
      </tbody>
    </table>
  );
}

function RowsTable(props: { record: CompareRecord }) {
  const { comparison } = props.record;
  return (
    <table className="run-table" data-testid="compare-table" data-rows={comparison.rows.length}>
      <thead><tr><th>output or blob</th><th>shape</th><th>max |A−B|</th><th>SNR dB</th><th>top-1 agreement</th></tr></thead>
      <tbody>
        {comparison.rows.map((r) => (
          <tr key={`${r.kind}:${r.name}`} data-testid="compare-row" data-name={r.name} data-kind={r.kind} data-snr={r.snrDb} data-max-abs={r.maxAbs}>
            <td><code>{r.name}</code>{r.kind === 'output' && <span className="run-kind output">output</span>}</td>
            <td className="run-num">{r.shape.length ? formatShape(r.shape) : ''}</td>
            <td className="run-num">{maxAbsText(r)}</td>
            <td className={`run-num ${snrClass(r.snrDb)}`}>{formatSnr(r.snrDb)}</td>
            <td className={`run-num${r.kind === 'blob' ? ' muted' : ''}`} title={r.kind === 'blob' ? 'argmax over the whole blob: telling for class scores, rough for feature maps' : undefined}>{agreementText(r)}{r.note && <span className="muted"> · {r.note}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CompareView() {
  const status = useRunStore((s) => s.compareStatus);
  const record = useRunStore((s) => s.compare);
  const extraSets = useRunStore((s) => s.extraSets);
  const revision = useDocumentStore((s) => s.revision);
  // Re-rendered when the history changes, so A names the revision it will use.
  useStore(useDocumentStore.temporal, (s) => s.pastStates.length);
  const a = firstRevision();
  const same = !!a && !!revision && a.spec === revision.spec;
  const running = status.kind === 'running';
  return (
    <div className="run-compare" data-testid="compare-view">
      <div className="run-col run-compare-controls">
        <p className="small">The inputs chosen on the Run tab go through two versions of this document, and every output and blob is compared by name.</p>
        <div className="run-versions">
          <div><b>A</b> <span className="muted">start of the history:</span> {a?.label ?? '—'}</div>
          <div><b>B</b> <span className="muted">current:</span> {revision?.label ?? '—'}</div>
        </div>
        <label className="run-inline">extra random input sets <input type="number" min={0} max={64} value={extraSets} data-testid="compare-extra-sets"
          onChange={(e) => useRunStore.getState().setExtraSets(Math.max(0, Math.min(64, Math.trunc(Number(e.target.value) || 0))))} /></label>
        <div className="run-buttons">
          <button type="button" className="primary" data-testid="compare-start" disabled={running || !a} onClick={() => void startCompare()}>Compare A and B</button>
          {running && <button type="button" data-testid="compare-cancel" onClick={cancelCompare}>Cancel</button>}
        </div>
        {same && <div className="muted small">No edits yet: A and B are the same model (every difference will be 0).</div>}
        <ProgressLine status={status} />
      </div>
      <div className="run-col run-compare-result">
        {record ? (
          <>
            <div className="muted small">{record.inputSets} input set{record.inputSets === 1 ? '' : 's'}, {record.comparison.rows.length} values compared in {(record.ms / 1000).toFixed(2)} s{record.b.revisionSeq !== revision?.seq ? ' · B is no longer the current revision' : ''}</div>
            <Summary record={record} />
            <RowsTable record={record} />
            {(record.comparison.onlyInA.length > 0 || record.comparison.onlyInB.length > 0) && (
              <div className="muted small">
                {record.comparison.onlyInA.length > 0 && <div>Only in A: {record.comparison.onlyInA.join(', ')}</div>}
                {record.comparison.onlyInB.length > 0 && <div>Only in B: {record.comparison.onlyInB.join(', ')}</div>}
              </div>
            )}
          </>
        ) : <div className="muted run-pad">Edit the model (convert to fp16, quantize, replace a layer…), then compare it with the version you opened.</div>}
      </div>
    </div>
  );
}
