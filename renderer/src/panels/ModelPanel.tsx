// The left panel: what the model is (format, spec version, type tree), its interface (inputs and
// outputs with full types), metadata, class labels, preprocessing and updatable flags.
import { useMemo, useState, type ReactNode } from 'react';
import type { Pipeline } from '../../../shared/format/schema/types.generated';
import { describeFeatureType, type FeatureInfo } from '../../../shared/inspect/features';
import { pipelineOf, SPEC_VERSION_OS, type ModelTreeNode } from '../../../shared/inspect/inspect';
import { formatBytes, formatNumber } from '../inspector/format';
import { Section } from '../inspector/Section';
import { useDocumentStore, type ModelDocument } from '../store/documentStore';
import { modelFacts, type ClassLabelList } from './modelFacts';

function Features(props: { title: string; list: readonly FeatureInfo[]; testId: string }) {
  return (
    <section className="panel-section" data-testid={props.testId}>
      <h2>{props.title} <span className="count">{props.list.length}</span></h2>
      {props.list.length === 0 && <div className="muted">none</div>}
      <ul className="features">
        {props.list.map((f) => (
          <li key={f.name} data-testid="feature">
            <code className="feature-name" data-testid="feature-name">{f.name}</code>
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

function ClassLabels(props: { list: ClassLabelList }) {
  const [query, setQuery] = useState('');
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return props.list.labels.map((l, i) => ({ l, i })).filter((x) => !q || x.l.toLowerCase().includes(q));
  }, [props.list, query]);
  const SHOWN = 300;
  return (
    <div className="class-labels" data-testid="class-labels" data-count={props.list.labels.length}>
      <div className="muted small">{props.list.labels.length} {props.list.kind} labels at <code>{props.list.path}</code></div>
      <input type="search" placeholder="Filter labels" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="class-label-search" />
      <ol className="label-list">
        {matches.slice(0, SHOWN).map(({ l, i }) => <li key={i}><span className="label-index">{i}</span>{l}</li>)}
      </ol>
      {matches.length > SHOWN && <div className="muted small">… {matches.length - SHOWN} more; filter to find one</div>}
      {matches.length === 0 && <div className="muted small">no label matches</div>}
    </div>
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
      <Features title="Inputs" list={r.inputs} testId="model-inputs" />
      <Features title="Outputs" list={r.outputs} testId="model-outputs" />
      {(r.predictedFeatureName || r.predictedProbabilitiesName) && (
        <section className="panel-section">
          {r.predictedFeatureName && <Row k="predicted feature" v={<code>{r.predictedFeatureName}</code>} />}
          {r.predictedProbabilitiesName && <Row k="probabilities" v={<code>{r.predictedProbabilitiesName}</code>} />}
        </section>
      )}
      {r.trainingInputs.length > 0 && <Features title="Training inputs" list={r.trainingInputs} testId="model-training-inputs" />}
      <section className="panel-section" data-testid="model-metadata">
        <h2>Metadata</h2>
        {md.shortDescription && <p className="description">{md.shortDescription}</p>}
        {md.author && <Row k="author" v={md.author} />}
        {md.license && <Row k="license" v={md.license} />}
        {md.versionString && <Row k="version" v={md.versionString} />}
        {userDefined.map(([k, v]) => <Row key={k} k={k} v={<span className="user-defined">{v}</span>} testId="metadata-user-defined" />)}
        {!md.shortDescription && !md.author && !md.license && !md.versionString && userDefined.length === 0 && <div className="muted">none</div>}
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
          {facts.classLabels.map((c) => <ClassLabels key={c.path} list={c} />)}
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
  if (!doc) return null;
  return (
    <aside className="model-panel" data-testid="model-panel">
      <Summary doc={doc} />
    </aside>
  );
}
