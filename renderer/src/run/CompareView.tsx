// Compare: the same inputs through a reference (A: the document as it was at the start of the
// history, another open document, or a model file) and the document as it is now (B). The
// summary follows WWDC18's "model size versus agreement" table for quantization (one row per version: its model size, and its agreement with the original); the
// table below has every output and blob, matched by name, with max |A−B|, SNR and top-1 agreement.
import { useMemo, useRef } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { formatSnr, inputMismatches, type ComparisonRow } from '../../../shared/executor';
import { weightBytes, type WeightBytes } from '../../../shared/surgery';
import { formatBytes } from '../inspector/format';
import { useDocumentStore, type Revision } from '../store/documentStore';
import { useTabs, type TabSummary } from '../store/workspace';
import { cancelCompare, chooseCompareFile, firstRevision, referenceSpec, startCompare } from './runActions';
import { useRunStore, type CompareRecord, type CompareTarget, type CompareVersion } from './runStore';
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
  const version = (v: CompareVersion, side: 'A' | 'B') => (
    <td>{side}: {v.label}{v.detail && <span className="muted"> · {v.detail}</span>}</td>
  );
  return (
    <table className="run-table run-summary" data-testid="compare-summary">
      <thead>
        <tr><th>version</th><th>model size</th><th>weights</th><th>top-1 agreement{agreeRow ? <> (<code>{agreeRow.name}</code>)</> : null}</th><th>SNR dB{snrRow ? <> (<code>{snrRow.name}</code>)</> : null}</th></tr>
      </thead>
      <tbody>
        <tr data-testid="compare-version-a">
          {version(record.a, 'A')}<td className="run-num" data-testid="compare-size-a" data-bytes={record.a.fileBytes}>{formatBytes(record.a.fileBytes)}</td><td>{bytesText(sizeA)}</td>
          <td className="muted">reference</td><td className="muted">reference</td>
        </tr>
        <tr data-testid="compare-version-b">
          {version(record.b, 'B')}<td className="run-num" data-testid="compare-size-b" data-bytes={record.b.fileBytes}>{formatBytes(record.b.fileBytes)}</td><td>{bytesText(sizeB)}</td>
          <td data-testid="compare-agreement">{agreeRow ? agreementText(agreeRow) : 'n/a'}</td>
          <td data-testid="compare-snr" className={snrRow ? snrClass(snrRow.snrDb) : ''}>{snrRow ? formatSnr(snrRow.snrDb) : 'n/a'}</td>
        </tr>
      </tbody>
    </table>
  );
}

/** Outputs and blobs with no counterpart of the same name on the other side: compared with nothing. */
function Unmatched(props: { record: CompareRecord }) {
  const { record } = props;
  const side = (names: readonly string[], v: CompareVersion, which: 'A' | 'B') => {
    if (!names.length) return null;
    const outs = new Set((v.spec.description?.output ?? []).map((o) => o.name));
    const outputs = names.filter((n) => outs.has(n)), blobs = names.filter((n) => !outs.has(n));
    return (
      <div data-testid={`compare-only-${which.toLowerCase()}`}>
        Only in {which} ({v.label}):
        {outputs.length > 0 && <> {outputs.length} output{outputs.length === 1 ? '' : 's'} <code>{outputs.join(', ')}</code>{blobs.length > 0 ? ';' : ''}</>}
        {blobs.length > 0 && <> {blobs.length} blob{blobs.length === 1 ? '' : 's'} <code>{blobs.join(', ')}</code></>}
      </div>
    );
  };
  const { onlyInA, onlyInB } = record.comparison;
  if (!onlyInA.length && !onlyInB.length) return null;
  return (
    <div className="muted small run-unmatched" data-testid="compare-unmatched">
      <div>Not compared: no output or blob of the same name on the other side.</div>
      {side(onlyInA, record.a, 'A')}
      {side(onlyInB, record.b, 'B')}
    </div>
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

const FILE_OPTION = 'file:choose';

/** The reference's choice: the start of this document's history, another open tab, or a model file. */
function CompareWith(props: { target: CompareTarget; tabs: readonly TabSummary[]; first: Revision | null }) {
  const { target, tabs, first } = props;
  const fileRef = useRef<HTMLInputElement>(null);
  const value = target.kind === 'tab' ? `tab:${tabs.find((t) => t.store === target.store)?.key ?? ''}` : target.kind === 'file' ? 'file' : 'history';
  const choose = (v: string) => {
    const run = useRunStore.getState();
    if (v === FILE_OPTION) { fileRef.current?.click(); return; }
    if (v === 'history') run.setCompareWith({ kind: 'history' });
    const tab = tabs.find((t) => `tab:${t.key}` === v);
    if (tab) run.setCompareWith({ kind: 'tab', store: tab.store });
  };
  return (
    <label className="run-compare-with">
      <span><b>A</b> <span className="muted">the reference:</span></span>
      <select value={value} data-testid="compare-with" onChange={(e) => choose(e.target.value)}>
        <option value="history">this document as opened{first ? ` (${first.label})` : ''}</option>
        {tabs.map((t) => <option key={t.key} value={`tab:${t.key}`}>open document {t.name}{t.dirty ? ' (edited)' : ''}</option>)}
        {target.kind === 'file' && <option value="file">file {target.name}</option>}
        <option value={FILE_OPTION}>a model file…</option>
      </select>
      <input ref={fileRef} type="file" hidden accept=".mlmodel,application/octet-stream" data-testid="compare-file-input"
        onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void chooseCompareFile(f); e.currentTarget.value = ''; }} />
    </label>
  );
}

export function CompareView() {
  const { status, record, extraSets, target } = useRunStore(useShallow((s) => ({ status: s.compareStatus, record: s.compare, extraSets: s.extraSets, target: s.compareWith })));
  const doc = useDocumentStore((s) => s.document);
  // Re-rendered when the history changes, so A names the revision it will use.
  useStore(useDocumentStore.temporal, (s) => s.pastStates.length);
  const tabs = useTabs().filter((t) => !t.active);
  // A tab closed since it was chosen: back to the start of the history.
  const shown: CompareTarget = target.kind === 'tab' && !tabs.some((t) => t.store === target.store) ? { kind: 'history' } : target;
  const first = firstRevision();
  const reference = referenceSpec(shown);
  const mismatches = useMemo(() => (doc && reference ? inputMismatches(doc.spec, reference, { a: 'this document', b: 'the reference' }) : []), [doc, reference]);
  const same = !!reference && reference === doc?.spec;
  const running = status.kind === 'running';
  return (
    <div className="run-compare" data-testid="compare-view">
      <div className="run-col run-compare-controls">
        <p className="small">The inputs chosen on the Run tab go through two models, and every output and blob is compared by name.</p>
        <div className="run-versions">
          <CompareWith target={shown} tabs={tabs} first={first} />
          <div><b>B</b> <span className="muted">this document:</span> {doc?.name ?? '—'} <span className="muted">· {doc?.revision.label}</span></div>
        </div>
        <label className="run-inline">extra random input sets <input type="number" min={0} max={64} value={extraSets} data-testid="compare-extra-sets"
          onChange={(e) => useRunStore.getState().setExtraSets(Math.max(0, Math.min(64, Math.trunc(Number(e.target.value) || 0))))} /></label>
        <div className="run-buttons">
          <button type="button" className="primary" data-testid="compare-start" disabled={running || !reference || mismatches.length > 0} onClick={() => void startCompare()}>Compare A and B</button>
          {running && <button type="button" data-testid="compare-cancel" onClick={cancelCompare}>Cancel</button>}
        </div>
        {mismatches.length > 0 && (
          <div className="run-refused small" data-testid="compare-refused">
            The same inputs cannot go through both:
            <ul>{mismatches.map((m) => <li key={m}>{m}</li>)}</ul>
          </div>
        )}
        {same && <div className="muted small">No edits yet: A and B are the same model (every difference will be 0).</div>}
        <ProgressLine status={status} />
      </div>
      <div className="run-col run-compare-result">
        {record ? (
          <>
            <div className="muted small" data-testid="compare-done" data-ms={record.ms}>{record.inputSets} input set{record.inputSets === 1 ? '' : 's'}, {record.comparison.rows.length} values compared in {(record.ms / 1000).toFixed(2)} s{record.b.revisionSeq !== doc?.revision.seq ? ' · B is no longer the current revision' : ''}</div>
            <Summary record={record} />
            <Unmatched record={record} />
            <RowsTable record={record} />
          </>
        ) : <div className="muted run-pad">Edit the model (convert to fp16, quantize, replace a layer…) and compare it with the version you opened, or compare it with another open document or a model file.</div>}
      </div>
    </div>
  );
}
