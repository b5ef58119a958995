// Modal dialogs: confirming a save with validation errors and the first overwrite of a file,
// picking a layer type, and the model-wide actions (fp16, quantization, model kind,
// specification version), each showing what it will change before it is applied.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { formatPath, type Model } from '../../../shared/format';
import {
  SurgeryError, convertToFloat16, networkKeyOf, parseLabelFile, weightBytes, type NetworkKey, type QuantizationMode,
  type WeightBytes,
} from '../../../shared/surgery';
import { minimumSpecificationVersion, NEWEST_SPECIFICATION_VERSION, SPEC_RELEASES } from '../../../shared/validate';
import { runOperation } from '../editing';
import { formatBytes } from '../inspector/format';
import { useDocumentStore } from '../store/documentStore';
import { useViewStore, type DialogRequest } from '../store/viewStore';
import { SEVERITY_ICON } from './Dock';
import { firstMatch, LayerList } from './Palette';

const close = (): void => useViewStore.getState().setDialog(null);

export function Modal(props: { title: string; testId: string; onCancel: () => void; children: ReactNode; footer: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('[data-autofocus], input, select, textarea, button');
    first?.focus();
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) props.onCancel(); }}>
      <div
        ref={ref} className="modal" role="dialog" aria-modal="true" aria-label={props.title} data-testid={props.testId}
        onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); props.onCancel(); } }}
      >
        <h2>{props.title}</h2>
        <div className="modal-body">{props.children}</div>
        <div className="modal-footer">{props.footer}</div>
      </div>
    </div>
  );
}

function OverwriteDialog(props: { request: Extract<DialogRequest, { kind: 'overwrite' }> }) {
  const { resolve, name, path } = props.request;
  return (
    <Modal title={`Replace ${name}?`} testId="dialog-overwrite" onCancel={() => resolve('cancel')}
      footer={<>
        <button type="button" onClick={() => resolve('cancel')}>Cancel</button>
        <button type="button" data-testid="overwrite-save-as" onClick={() => resolve('saveAs')}>Save As…</button>
        <button type="button" className="primary" data-testid="overwrite-confirm" onClick={() => resolve('overwrite')}>Replace</button>
      </>}>
      <p>Saving writes over the file you opened:</p>
      <p><code>{path}</code></p>
      <p className="muted">The original is replaced in one step (no half-written file). Choose Save As to keep it and write a copy. This is asked once per file.</p>
    </Modal>
  );
}

/** Findings listed in the save question; the Problems panel has the rest. */
const SAVE_QUESTION_ERRORS = 5;

function SaveWithErrorsDialog(props: { request: Extract<DialogRequest, { kind: 'saveWithErrors' }> }) {
  const { resolve, name, errors } = props.request;
  const n = errors.length;
  return (
    <Modal title={`Save ${name} with ${n} validation error${n === 1 ? '' : 's'}?`} testId="dialog-save-with-errors" onCancel={() => resolve('cancel')}
      footer={<>
        <button type="button" data-autofocus data-testid="save-with-errors-cancel" onClick={() => resolve('cancel')}>Cancel</button>
        <button type="button" data-testid="save-with-errors-confirm" onClick={() => resolve('save')}>Save anyway</button>
      </>}>
      <p>Core ML refuses to compile or load a model that breaks its rules. This one has {n === 1 ? 'an error' : `${n} errors`}:</p>
      <ul className="inspector-findings" data-testid="save-errors">
        {errors.slice(0, SAVE_QUESTION_ERRORS).map((d, i) => (
          <li key={i} className="error" data-testid="save-error" data-code={d.code}>
            <span className="sev-icon">{SEVERITY_ICON.error}</span> {d.message} <code className="muted">{formatPath(d.path) || '(model)'}</code>
          </li>
        ))}
        {n > SAVE_QUESTION_ERRORS && <li className="muted">… and {n - SAVE_QUESTION_ERRORS} more in the Problems panel</li>}
      </ul>
      <p className="muted">Cancel to fix them first (each finding in the Problems panel selects what it is about), or save the file as it is.</p>
    </Modal>
  );
}

function PickLayerDialog(props: { request: Extract<DialogRequest, { kind: 'pickLayer' }> }) {
  const [query, setQuery] = useState('');
  const pick = (type: string): void => { close(); props.request.onPick(type); };
  return (
    <Modal title={props.request.title} testId="dialog-pick-layer" onCancel={close} footer={<button type="button" onClick={close}>Cancel</button>}>
      <input
        type="search" placeholder="Search layer types" value={query} data-autofocus data-testid="pick-layer-search"
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => { if (e.key === 'Enter') { const t = firstMatch(query); if (t) pick(t); } }}
      />
      <div className="pick-list"><LayerList query={query} onPick={pick} /></div>
    </Modal>
  );
}

function BytesLine(props: { label: string; bytes: WeightBytes }) {
  const kinds = Object.entries(props.bytes.byKind).filter(([, n]) => n > 0);
  return (
    <div className="kv"><span className="k">{props.label}</span><span className="v">{formatBytes(props.bytes.total)}{kinds.length > 0 && <span className="muted"> ({kinds.map(([k, n]) => `${k} ${formatBytes(n)}`).join(', ')})</span>}</span></div>
  );
}

function Fp16Dialog(props: { spec: Model }) {
  const prepared = useMemo(() => {
    try {
      const spec = convertToFloat16(props.spec, {});
      return { spec, before: weightBytes(props.spec), after: weightBytes(spec) };
    } catch (e) {
      if (e instanceof SurgeryError) return { refused: e.reason, before: weightBytes(props.spec) };
      throw e;
    }
  }, [props.spec]);
  const apply = (): void => {
    if (!('spec' in prepared) || !prepared.spec) return;
    close();
    // Applied again through the checked path: the preview above only showed its effect.
    runOperation('convertToFloat16', {});
  };
  return (
    <Modal title="Convert weights to fp16" testId="dialog-fp16" onCancel={close}
      footer={<><button type="button" onClick={close}>Cancel</button><button type="button" className="primary" data-testid="dialog-apply" disabled={!('spec' in prepared)} onClick={apply}>Convert</button></>}>
      <p>Every float32 weight becomes float16 (half the bytes; Core ML 1.2 and later). Weights marked updatable stay float32.</p>
      <BytesLine label="before" bytes={prepared.before} />
      {'after' in prepared && prepared.after && <BytesLine label="after" bytes={prepared.after} />}
      {'refused' in prepared && <p className="warn" data-testid="dialog-refused">{prepared.refused}</p>}
      {'after' in prepared && prepared.after && <p data-testid="fp16-summary">{formatBytes(prepared.before.total)} → {formatBytes(prepared.after.total)}</p>}
    </Modal>
  );
}

function QuantizeDialog(props: { spec: Model }) {
  const [bits, setBits] = useState(8);
  const [mode, setMode] = useState<QuantizationMode>('linear');
  const [perChannel, setPerChannel] = useState(false);
  const before = useMemo(() => weightBytes(props.spec), [props.spec]);
  const apply = (): void => {
    close();
    if (runOperation('quantizeWeights', { bits, mode, ...(mode === 'linear' && perChannel ? { perChannel: true } : {}) })) {
      const after = weightBytes(useDocumentStore.getState().document!.spec);
      // Added to what the edit already reported (a specification version raise, new warnings).
      const said = useViewStore.getState().toast;
      useViewStore.getState().showToast({
        kind: 'done', title: useDocumentStore.getState().revision!.label,
        message: `Weights ${formatBytes(before.total)} → ${formatBytes(after.total)}.${said?.kind === 'done' ? ` ${said.message}` : ''}`,
        ...(said?.kind === 'done' && said.diagnostics ? { diagnostics: said.diagnostics } : {}),
      });
    }
  };
  return (
    <Modal title="Quantize weights" testId="dialog-quantize" onCancel={close}
      footer={<><button type="button" onClick={close}>Cancel</button><button type="button" className="primary" data-testid="dialog-apply" onClick={apply}>Quantize</button></>}>
      <p>Convolution, inner product, batched matmul and embedding weights are stored in {bits} bits (Core ML 2 and later).</p>
      <label className="form-row">Bits
        <select value={bits} onChange={(e) => setBits(Number(e.target.value))} data-testid="quantize-bits">
          {[8, 7, 6, 5, 4, 3, 2, 1].map((b) => <option key={b} value={b}>{b}</option>)}
        </select>
      </label>
      <label className="form-row">Mode
        <select value={mode} onChange={(e) => setMode(e.target.value as QuantizationMode)} data-testid="quantize-mode">
          <option value="linear">linear (scale and bias)</option>
          <option value="kmeansLut">lookup table, k-means</option>
          <option value="linearLut">lookup table, linear</option>
        </select>
      </label>
      <label className="form-row check"><input type="checkbox" checked={perChannel} disabled={mode !== 'linear'} onChange={(e) => setPerChannel(e.target.checked)} /> per output channel (linear only)</label>
      <BytesLine label="weights now" bytes={before} />
    </Modal>
  );
}

const KIND_NAMES: Readonly<Record<NetworkKey, string>> = {
  neuralNetwork: 'neural network',
  neuralNetworkClassifier: 'classifier',
  neuralNetworkRegressor: 'regressor',
};

function ConvertKindDialog(props: { spec: Model }) {
  const from = networkKeyOf(props.spec);
  const [to, setTo] = useState<NetworkKey>(from === 'neuralNetworkClassifier' ? 'neuralNetwork' : 'neuralNetworkClassifier');
  const [labels, setLabels] = useState('');
  const [probabilities, setProbabilities] = useState('');
  const [labelName, setLabelName] = useState('classLabel');
  const fileRef = useRef<HTMLInputElement>(null);
  const list = parseLabelFile(labels);
  const apply = (): void => {
    if (!from) return;
    close();
    runOperation('convertModelKind', {
      to,
      ...(to === 'neuralNetworkClassifier' ? { labels: list, labelName, ...(probabilities.trim() ? { probabilities: probabilities.trim() } : {}) } : {}),
    });
  };
  return (
    <Modal title="Convert model kind" testId="dialog-convert-kind" onCancel={close}
      footer={<><button type="button" onClick={close}>Cancel</button><button type="button" className="primary" data-testid="dialog-apply" disabled={!from || to === from} onClick={apply}>Convert</button></>}>
      {!from ? <p className="warn">Only neural network models can change kind.</p> : (
        <>
          <p>Now a <strong>{KIND_NAMES[from]}</strong>. The layers, preprocessing and update settings stay as they are.</p>
          <label className="form-row">Convert to
            <select value={to} onChange={(e) => setTo(e.target.value as NetworkKey)} data-testid="convert-kind-to">
              {(Object.keys(KIND_NAMES) as NetworkKey[]).map((k) => <option key={k} value={k} disabled={k === from}>{KIND_NAMES[k]}</option>)}
            </select>
          </label>
          {to === 'neuralNetworkClassifier' && (
            <>
              <label className="form-row column">Class labels, one per line ({list.length})
                <textarea rows={6} value={labels} onChange={(e) => setLabels(e.target.value)} data-testid="convert-kind-labels" />
              </label>
              <div className="form-row">
                <button type="button" onClick={() => fileRef.current?.click()}>Load labels from a text file…</button>
                <input ref={fileRef} type="file" accept=".txt,text/plain" hidden onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void f.text().then(setLabels); e.currentTarget.value = ''; }} />
              </div>
              <label className="form-row">Probabilities blob <input type="text" value={probabilities} placeholder="the only array output" onChange={(e) => setProbabilities(e.target.value)} /></label>
              <label className="form-row">Label output name <input type="text" value={labelName} onChange={(e) => setLabelName(e.target.value)} /></label>
            </>
          )}
        </>
      )}
    </Modal>
  );
}

function SpecVersionDialog(props: { spec: Model }) {
  const declared = props.spec.specificationVersion ?? 0;
  const min = useMemo(() => minimumSpecificationVersion(props.spec), [props.spec]);
  const [choice, setChoice] = useState<string>('minimum');
  const apply = (): void => {
    close();
    runOperation('setSpecificationVersion', { version: choice === 'minimum' ? 'minimum' : Number(choice) });
  };
  const versions = Array.from({ length: NEWEST_SPECIFICATION_VERSION }, (_, i) => i + 1);
  return (
    <Modal title="Set specification version" testId="dialog-spec-version" onCancel={close}
      footer={<><button type="button" onClick={close}>Cancel</button><button type="button" className="primary" data-testid="dialog-apply" onClick={apply}>Set</button></>}>
      <div className="kv"><span className="k">declared</span><span className="v">{declared} ({SPEC_RELEASES[declared] ?? 'unknown'})</span></div>
      <div className="kv"><span className="k">minimum</span><span className="v" data-testid="spec-version-minimum">{min.version} ({SPEC_RELEASES[min.version] ?? 'unknown'})</span></div>
      {min.reasons.length > 0 && (
        <ul className="reasons">{min.reasons.filter((r) => r.version > 1).slice(0, 8).map((r, i) => <li key={i}>{r.reason} <span className="muted">[{r.version}]</span></li>)}</ul>
      )}
      <label className="form-row">Version
        <select value={choice} onChange={(e) => setChoice(e.target.value)} data-testid="spec-version-choice">
          <option value="minimum">the minimum ({min.version})</option>
          {versions.map((v) => <option key={v} value={v} disabled={v < min.version}>{v} · {SPEC_RELEASES[v]}</option>)}
        </select>
      </label>
    </Modal>
  );
}

export function Dialogs() {
  const dialog = useViewStore((s) => s.dialog);
  const spec = useDocumentStore((s) => s.document?.spec);
  // A model-wide dialog shows and applies to one revision: if another arrives underneath it (a
  // menu Undo), the dialog starts again from that one.
  const seq = useDocumentStore((s) => s.document?.revision.seq ?? 0);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'overwrite': return <OverwriteDialog request={dialog} />;
    case 'saveWithErrors': return <SaveWithErrorsDialog request={dialog} />;
    case 'pickLayer': return <PickLayerDialog request={dialog} />;
    default: break;
  }
  if (!spec) return null;
  switch (dialog.kind) {
    case 'fp16': return <Fp16Dialog key={seq} spec={spec} />;
    case 'quantize': return <QuantizeDialog key={seq} spec={spec} />;
    case 'convertKind': return <ConvertKindDialog key={seq} spec={spec} />;
    case 'specVersion': return <SpecVersionDialog key={seq} spec={spec} />;
    default: return null;
  }
}
