// The left panel: what the model is (format, spec version, type tree), its interface (inputs and
// outputs with full types), metadata, class labels, preprocessing and updatable flags.
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { describeFeatureType, formatPath, pipelineOf, type FeatureInfo, type Pipeline } from '../../../shared/format';
import { SPEC_VERSION_OS, type ModelTreeNode } from '../../../shared/inspect';
import { parseLabelFile } from '../../../shared/surgery';
import { runOperation } from '../editing';
import { formatBytes, formatNumber } from '../inspector/format';
import { Section } from '../inspector/Section';
import { revealElement } from '../reveal';
import { useDocumentStore, type ModelDocument } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import { goToDiagnostic, SEVERITY_ICON } from './Dock';
import { modelFacts, type ClassLabelList } from './modelFacts';
import { Palette } from './Palette';

function Features(props: { title: string; list: readonly FeatureInfo[]; testId: string; nodePrefix?: string }) {
  return (
    <section className="panel-section" data-testid={props.testId}>
      <h2>{props.title} <span className="count">{props.list.length}</span></h2>
      {props.list.length === 0 && <div className="muted">none</div>}
      <ul className="features">
        {props.list.map((f, i) => (
          <li key={f.name} data-testid="feature">
            {props.nodePrefix
              ? <button type="button" className="link feature-name-button" title="Show on the canvas" onClick={() => revealElement(`${props.nodePrefix}[${i}]`)}><code className="feature-name" data-testid="feature-name">{f.name}</code></button>
              : <code className="feature-name" data-testid="feature-name">{f.name}</code>}
            <span className="feature-type">{describeFeatureType(f.type)}</span>
            {f.shortDescription && <span className="feature-desc">{f.shortDescription}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Tree(props: { nodes: readonly ModelTreeNode[]; names?: readonly string[] }) {
  return (
    <ol className="model-tree">
      {props.nodes.map((n, i) => (
        <li key={i}>
          <code>{n.modelType}</code>{props.names?.[i] && <span className="muted"> {props.names[i]}</span>}
          {n.models && <Tree nodes={n.models} />}
        </li>
      ))}
    </ol>
  );
}

/** Replaces a top-level classifier's labels: typed (one per line) or loaded from a text file. */
function ClassLabelEditor(props: { list: ClassLabelList }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const file = useRef<HTMLInputElement>(null);
  const apply = (labels: string[]): void => {
    const parsed = props.list.kind === 'int64' && labels.every((l) => /^-?\d+$/.test(l)) ? labels.map(Number) : labels;
    if (runOperation('setClassLabels', { labels: parsed })) setEditing(false);
  };
  return (
    <div className="label-editor">
      {editing ? (
        <>
          <textarea rows={8} value={text} onChange={(e) => setText(e.target.value)} data-testid="class-labels-text" aria-label="Class labels, one per line" />
          <div className="editor-actions left">
            <button type="button" onClick={() => setEditing(false)}>Cancel</button>
            <button type="button" className="primary" data-testid="class-labels-apply" onClick={() => apply(parseLabelFile(text))}>Apply {parseLabelFile(text).length} labels</button>
          </div>
        </>
      ) : (
        <div className="editor-actions left">
          <button type="button" data-testid="class-labels-edit" onClick={() => { setText(props.list.labels.join('\n')); setEditing(true); }}>Edit labels</button>
          <button type="button" data-testid="class-labels-load" onClick={() => file.current?.click()}>Load from file…</button>
        </div>
      )}
      <input ref={file} type="file" accept=".txt,text/plain" hidden data-testid="class-labels-file"
        onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void f.text().then((t) => apply(parseLabelFile(t))); e.currentTarget.value = ''; }} />
    </div>
  );
}

function ClassLabels(props: { list: ClassLabelList; editable: boolean; revision: number }) {
  const [query, setQuery] = useState('');
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return props.list.labels.map((l, i) => ({ l, i })).filter((x) => !q || x.l.toLowerCase().includes(q));
  }, [props.list, query]);
  // A thousand labels are three thousand elements the panel would build on every open, far below
  // the fold: the first hundred are listed, more on request, and the filter finds any of them.
  const [shown, setShown] = useState(100);
  return (
    <div className="class-labels" data-testid="class-labels" data-count={props.list.labels.length}>
      <div className="muted small">{props.list.labels.length} {props.list.kind} labels at <code>{props.list.path}</code></div>
      <input type="search" placeholder="Filter labels" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="class-label-search" />
      <ol className="label-list">
        {matches.slice(0, shown).map(({ l, i }) => <li key={i}><span className="label-index">{i}</span>{l}</li>)}
      </ol>
      {matches.length > shown && (
        <div className="muted small">
          … {matches.length - shown} more; filter to find one, or{' '}
          <button type="button" className="link" data-testid="class-labels-more" onClick={() => setShown((n) => n + 500)}>show {Math.min(500, matches.length - shown)} more</button>
        </div>
      )}
      {matches.length === 0 && <div className="muted small">no label matches</div>}
      {props.editable && <ClassLabelEditor key={`${props.list.path}@${props.revision}`} list={props.list} />}
    </div>
  );
}

/** A metadata string, edited in place (setMetadata). */
function MetadataField(props: { field: 'shortDescription' | 'author' | 'license' | 'versionString'; label: string; value: string | undefined; multiline?: boolean }) {
  const [editing, setEditing] = useState(false);
  const done = (value: string | null): void => {
    setEditing(false);
    if (value !== null && value !== (props.value ?? '')) runOperation('setMetadata', { [props.field]: value });
  };
  const keys = (e: React.KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>): void => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); done(null); }
    if (e.key === 'Enter' && (!props.multiline || e.ctrlKey || e.metaKey)) { e.preventDefault(); done(e.currentTarget.value); }
  };
  return (
    <div className="kv meta-field" data-testid={`metadata-${props.field}`}>
      <span className="k">{props.label}</span>
      {editing
        ? (props.multiline
          ? <textarea className="v" autoFocus rows={4} defaultValue={props.value ?? ''} onKeyDown={keys} onBlur={(e) => done(e.currentTarget.value)} data-testid="metadata-editor" />
          : <input className="v" type="text" autoFocus defaultValue={props.value ?? ''} onKeyDown={keys} onBlur={(e) => done(e.currentTarget.value)} data-testid="metadata-editor" />)
        : <span className={`v editable${props.value ? '' : ' muted'}`} role="button" tabIndex={0} title="Click to edit" onClick={() => setEditing(true)}
            onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); setEditing(true); } }}>{props.value || 'add…'}</span>}
    </div>
  );
}

function UserDefinedAdd() {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const add = (): void => {
    if (runOperation('setMetadata', { set: { [key.trim()]: value } })) { setKey(''); setValue(''); }
  };
  return (
    <form className="meta-add" onSubmit={(e) => { e.preventDefault(); add(); }}>
      <input type="text" placeholder="key" value={key} onChange={(e) => setKey(e.target.value)} data-testid="metadata-new-key" aria-label="New metadata key" />
      <input type="text" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} data-testid="metadata-new-value" aria-label="New metadata value" />
      <button type="submit" disabled={!key.trim()} data-testid="metadata-add">Add</button>
    </form>
  );
}

/** Findings about the model as a whole (no node is more specific), with a way to each field. */
function ModelFindings({ doc }: { doc: ModelDocument }) {
  const list = doc.diagnosticIndex.model;
  if (list.length === 0) return null;
  return (
    <section className="panel-section model-findings" data-testid="model-diagnostics">
      <h2>Model problems <span className="count">{list.length}</span></h2>
      <ul className="inspector-findings">
        {list.map((d, i) => (
          <li key={i} className={d.severity}>
            <button type="button" className="link" data-path={formatPath(d.path)} onClick={() => goToDiagnostic(d)}>
              <span className="sev-icon">{SEVERITY_ICON[d.severity]}</span> {d.message}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Row(props: { k: string; v: ReactNode; testId?: string }) {
  return <div className="kv" data-testid={props.testId}><span className="k">{props.k}</span><span className="v">{props.v}</span></div>;
}

function Summary({ doc }: { doc: ModelDocument }) {
  const r = doc.inspect;
  const facts = modelFacts(doc.spec);
  const pipeline: Pipeline | undefined = pipelineOf(doc.spec);
  const md = r.metadata;
  const userDefined = Object.entries(md.userDefined);
  const inputTypes = new Map(r.inputs.map((f) => [f.name, f.type]));
  const weightKinds = Object.entries(r.weights.bytes).filter(([, n]) => n > 0);
  return (
    <>
      <ModelFindings doc={doc} />
      <section className="panel-section" data-testid="model-summary">
        <h2>Model</h2>
        <Row k="file" v={<code>{doc.name}</code>} />
        <Row k="format" v={doc.format === 'mlpackage' ? 'ML Package (.mlpackage)' : 'Core ML model (.mlmodel)'} testId="model-format" />
        <Row k="spec version" v={<>{r.specificationVersion}{SPEC_VERSION_OS[r.specificationVersion] && <span className="muted"> · {SPEC_VERSION_OS[r.specificationVersion]}</span>}</>} testId="model-spec-version" />
        <Row k="type" v={<code data-testid="model-type">{r.modelType ?? '(none)'}</code>} />
        {r.mlProgram && <Row k="ML Program" v={`${r.mlProgram.functions.join(', ')} · ${r.mlProgram.opsets.join(', ')} · ${r.mlProgram.opCount} operations`} />}
        {!r.mlProgram && r.layerCount > 0 && <Row k="layers" v={r.layerCount} />}
        {r.models.length > 0 && <div className="tree-wrap" data-testid="model-tree"><Tree nodes={r.models} {...(pipeline?.names?.length ? { names: pipeline.names } : {})} /></div>}
      </section>
      <Features title="Inputs" list={r.inputs} testId="model-inputs" nodePrefix="description.input" />
      <Features title="Outputs" list={r.outputs} testId="model-outputs" nodePrefix="description.output" />
      {(r.predictedFeatureName || r.predictedProbabilitiesName) && (
        <section className="panel-section">
          {r.predictedFeatureName && <Row k="predicted feature" v={<code>{r.predictedFeatureName}</code>} />}
          {r.predictedProbabilitiesName && <Row k="probabilities" v={<code>{r.predictedProbabilitiesName}</code>} />}
        </section>
      )}
      {r.trainingInputs.length > 0 && <Features title="Training inputs" list={r.trainingInputs} testId="model-training-inputs" />}
      <section className="panel-section" data-testid="model-metadata" data-path="description.metadata">
        <h2>Metadata</h2>
        <MetadataField field="shortDescription" label="description" value={md.shortDescription} multiline />
        <MetadataField field="author" label="author" value={md.author} />
        <MetadataField field="license" label="license" value={md.license} />
        <MetadataField field="versionString" label="version" value={md.versionString} />
        {userDefined.map(([k, v]) => (
          <div key={k} className="kv" data-testid="metadata-user-defined">
            <span className="k">{k}</span>
            <span className="v"><span className="user-defined">{v}</span></span>
            <button type="button" className="icon-button" aria-label={`Remove ${k}`} title={`Remove ${k}`} data-testid="metadata-remove" onClick={() => runOperation('setMetadata', { remove: [k] })}>×</button>
          </div>
        ))}
        <UserDefinedAdd />
      </section>
      {facts.preprocessing.length > 0 && (
        <section className="panel-section" data-testid="model-preprocessing">
          <h2>Preprocessing</h2>
          {facts.preprocessing.map((p) => {
            const image = inputTypes.get(p.featureName) ?? (r.inputs.length === 1 ? r.inputs[0].type : undefined);
            return (
              <div key={p.path} className="preprocessing">
                <Row k="input" v={<code>{p.featureName || '(the image input)'}</code>} />
                {image?.colorSpace && <Row k="colour space" v={image.colorSpace} testId="preprocessing-colorspace" />}
                {p.scaler && (
                  <>
                    <Row k="scale" v={formatNumber(p.scaler.channelScale)} testId="preprocessing-scale" />
                    {image?.colorSpace === 'GRAYSCALE'
                      ? <Row k="gray bias" v={formatNumber(p.scaler.grayBias)} />
                      : <Row k="biases (R, G, B)" v={`${formatNumber(p.scaler.redBias)}, ${formatNumber(p.scaler.greenBias)}, ${formatNumber(p.scaler.blueBias)}`} testId="preprocessing-bias" />}
                  </>
                )}
                {p.meanImageLength !== undefined && <Row k="mean image" v={`${p.meanImageLength} values`} />}
                <div className="muted small">y = scale · x + bias, per channel</div>
              </div>
            );
          })}
        </section>
      )}
      {facts.classLabels.length > 0 && (
        <section className="panel-section">
          <h2>Class labels</h2>
          {/* Labels of the model itself can be replaced; those of pipeline stages are shown only. */}
          {facts.classLabels.map((c) => <ClassLabels key={c.path} list={c} revision={doc.revision.seq} editable={!c.path.includes('.') && !c.path.includes('[')} />)}
        </section>
      )}
      <section className="panel-section" data-testid="model-updatable">
        <h2>Updatable</h2>
        <Row k="model" v={r.isUpdatable ? 'yes' : 'no'} />
        {(facts.updatableLayers > 0 || r.isUpdatable) && <Row k="layers" v={facts.updatableLayers} />}
        {(facts.updatableWeights > 0 || r.isUpdatable) && <Row k="weight tensors" v={facts.updatableWeights} />}
        {facts.hasUpdateParams && <Row k="update parameters" v="present" />}
      </section>
      {weightKinds.length > 0 && (
        <Section title="Weights" summary={formatBytes(weightKinds.reduce((a, [, n]) => a + n, 0))}>
          {() => weightKinds.map(([k, n]) => <Row key={k} k={k} v={`${formatBytes(n)}${r.weights.counts[k] ? ` in ${r.weights.counts[k]} tensors` : ''}`} />)}
        </Section>
      )}
      {r.layerCount > 0 && (
        <Section title={r.mlProgram ? 'Operation types' : 'Layer types'} summary={String(Object.keys(r.layerTypes).length)}>
          {() => Object.entries(r.layerTypes).sort((a, b) => b[1] - a[1]).map(([k, n]) => <Row key={k} k={k} v={n} />)}
        </Section>
      )}
      {r.warnings.length > 0 && (
        <section className="panel-section warnings">
          <h2>Warnings</h2>
          <ul>{r.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </section>
      )}
    </>
  );
}

export function ModelPanel() {
  const doc = useDocumentStore((s) => s.document);
  const tab = useViewStore((s) => s.leftTab);
  const setTab = useViewStore((s) => s.setLeftTab);
  if (!doc) return null;
  return (
    <aside className="model-panel" data-testid="model-panel" data-tab={tab}>
      <div className="panel-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'model'} data-testid="left-tab-model" onClick={() => setTab('model')}>
          Model{doc.diagnosticIndex.model.length > 0 && <span className="tab-count">{doc.diagnosticIndex.model.length}</span>}
        </button>
        <button type="button" role="tab" aria-selected={tab === 'layers'} data-testid="left-tab-layers" onClick={() => setTab('layers')}>Layers</button>
      </div>
      {/* Keyed by document: label filters and half-typed metadata belong to the model they were typed for. */}
      {tab === 'model' ? <div className="panel-scroll"><Summary key={doc.id} doc={doc} /></div> : <Palette />}
    </aside>
  );
}
