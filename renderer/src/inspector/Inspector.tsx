// The right panel: everything about the selected node, read from the spec at the node's path.
import { useMemo, type ReactNode } from 'react';
import type { MlPackage } from '../../../shared/format/mlpackage';
import { MESSAGES } from '../../../shared/format/schema/descriptors.generated';
import type { FeatureDescription, MILSpec_Operation, Model } from '../../../shared/format/schema/types.generated';
import { formatPath, whichOneof } from '../../../shared/format/walk';
import type { GraphGroup, GraphNode } from '../../../shared/graph/types';
import { describeFeatureType, featureInfo } from '../../../shared/inspect/features';
import { useDocumentStore } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import { nnWeightShape } from '../weights/nnShapes';
import { tensorFromMilValue } from '../weights/tensor';
import { FieldTree } from './FieldTree';
import { constValue, milProducers, milTypeText, milValueText } from './milValues';
import { Section } from './Section';
import { resolvePath } from './specPath';
import { WeightsView } from './WeightsView';
import { categoryLabel, displayType } from '../canvas/layerInfo';

const LAYER = 'CoreML.Specification.NeuralNetworkLayer';

function PathLine(props: { path: GraphNode['path'] }) {
  const text = formatPath(props.path);
  return (
    <div className="spec-path" data-testid="inspector-path" title="Spec path of the selection">
      <span className="muted">spec</span> <code>{text || '(model)'}</code>
    </div>
  );
}

function NameList(props: { title: string; names: readonly string[]; testId: string }) {
  if (!props.names.length) return null;
  return (
    <div className="name-list" data-testid={props.testId}>
      <span className="field-name">{props.title}</span>
      <span className="names">{props.names.map((n) => <code key={n}>{n}</code>)}</span>
    </div>
  );
}

function LayerDetails(props: { node: GraphNode; layer: Readonly<Record<string, unknown>> }) {
  const type = whichOneof(LAYER, props.layer, 'layer');
  const paramsField = MESSAGES[LAYER].fields.find((f) => f.name === type);
  const params = type ? (props.layer[type] as Readonly<Record<string, unknown>>) : undefined;
  const name = String(props.layer.name ?? props.node.label);
  return (
    <>
      <NameList title="inputs" names={(props.layer.input as string[] | undefined) ?? []} testId="inspector-inputs" />
      <NameList title="outputs" names={(props.layer.output as string[] | undefined) ?? []} testId="inspector-outputs" />
      {params && paramsField && (
        <div className="inspector-block" data-testid="inspector-params">
          <h3>{type} parameters</h3>
          <FieldTree typeName={paramsField.type} message={params} ctx={{ exportName: name, weightShape: (f) => nnWeightShape(type!, params, f) }} />
        </div>
      )}
      <Section title="Layer fields" summary="name, tensors, updatable">
        {() => <FieldTree typeName={LAYER} message={props.layer} depth={1} omit={type ? [type] : []} ctx={{ exportName: name }} />}
      </Section>
    </>
  );
}

function OperationDetails(props: { spec: Model; op: MILSpec_Operation; pkg?: MlPackage; name: string }) {
  const { op } = props;
  const produced = milProducers(props.spec);
  const value = constValue(op);
  const inputs = op.inputs ? [...op.inputs] : [];
  const attributes = (op.attributes ? [...op.attributes] : []).filter(([k]) => k !== 'name' && !(op.type === 'const' && k === 'val'));
  return (
    <>
      {value && (
        <div className="inspector-block">
          <h3>value</h3>
          <MilValue name="val" value={value} pkg={props.pkg} exportName={props.name} />
        </div>
      )}
      {inputs.length > 0 && (
        <div className="inspector-block" data-testid="inspector-op-inputs">
          <h3>inputs</h3>
          {inputs.map(([param, arg]) => (
            <div key={param} className="op-input">
              {(arg.arguments ?? []).map((b, i) => {
                if (b.value) return <MilValue key={i} name={param} value={b.value} pkg={props.pkg} exportName={`${props.name}.${param}`} />;
                const src = b.name ? produced.get(b.name) : undefined;
                const cv = src ? constValue(src.op) : undefined;
                if (cv) return <MilValue key={i} name={param} value={cv} pkg={props.pkg} exportName={`${props.name}.${param}`} from={b.name} />;
                return (
                  <div key={i} className="field">
                    <span className="field-name">{param}</span>
                    <span className="field-value"><code>{b.name}</code>{src && <span className="muted"> ← {src.op.type}</span>}</span>
                  </div>
                );
              })}
            </div>
          ))}
        </div>
      )}
      <div className="inspector-block" data-testid="inspector-op-outputs">
        <h3>outputs</h3>
        {(op.outputs ?? []).map((o) => (
          <div key={o.name} className="field"><span className="field-name"><code>{o.name}</code></span><span className="field-value">{milTypeText(o.type)}</span></div>
        ))}
      </div>
      {attributes.length > 0 && (
        <div className="inspector-block">
          <h3>attributes</h3>
          {attributes.map(([k, v]) => <MilValue key={k} name={k} value={v} pkg={props.pkg} exportName={`${props.name}.${k}`} />)}
        </div>
      )}
      {(op.blocks?.length ?? 0) > 0 && <div className="muted">{op.blocks!.length} nested block(s) with {op.blocks!.reduce((n, b) => n + (b.operations?.length ?? 0), 0)} operations</div>}
    </>
  );
}

function MilValue(props: { name: string; value: NonNullable<ReturnType<typeof constValue>>; pkg?: MlPackage; exportName: string; from?: string }) {
  const text = milValueText(props.value);
  const from = props.from ? <span className="muted"> ← const <code>{props.from}</code></span> : null;
  if (text !== undefined) {
    return <div className="field"><span className="field-name">{props.name}</span><span className="field-value">{text}{from}</span></div>;
  }
  const t = tensorFromMilValue(props.value, props.pkg);
  if (!t) return <div className="field"><span className="field-name">{props.name}</span><span className="field-value muted">{milTypeText(props.value.type)}{from}</span></div>;
  return <WeightsView name={props.name} tensor={t} exportName={props.exportName} />;
}

function FeatureDetails(props: { feature: FeatureDescription }) {
  const info = featureInfo(props.feature);
  return (
    <>
      <div className="field"><span className="field-name">type</span><span className="field-value" data-testid="inspector-feature-type">{describeFeatureType(info.type)}</span></div>
      {info.shortDescription && <p className="description">{info.shortDescription}</p>}
      <Section title="Feature fields" defaultOpen>
        {() => <FieldTree typeName="CoreML.Specification.FeatureDescription" message={props.feature as Readonly<Record<string, unknown>>} ctx={{ exportName: info.name }} />}
      </Section>
    </>
  );
}

function GroupDetails(props: { group: GraphGroup; spec: Model; count: number }) {
  const resolved = resolvePath(props.spec, props.group.path);
  return (
    <>
      <PathLine path={props.group.path} />
      <div className="field"><span className="field-name">contains</span><span className="field-value">{props.count} nodes</span></div>
      {resolved && (
        <Section title="Fields" summary={resolved.typeName.slice(resolved.typeName.lastIndexOf('.') + 1)}>
          {() => <FieldTree typeName={resolved.typeName} message={resolved.message} depth={1} ctx={{ exportName: props.group.label }} />}
        </Section>
      )}
    </>
  );
}

export function Inspector() {
  const doc = useDocumentStore((s) => s.document);
  const selection = useViewStore((s) => s.selection);
  const node = useMemo(() => doc?.graph.nodes.find((n) => n.id === selection), [doc, selection]);
  const group = useMemo(() => (node ? undefined : doc?.graph.groups.find((g) => g.id === selection)), [doc, node, selection]);
  if (!doc) return null;
  if (!node && !group) {
    return (
      <aside className="inspector" data-testid="inspector">
        <div className="panel-empty">Select a node to see its parameters and weights. Arrow keys follow edges; Ctrl+F searches.</div>
      </aside>
    );
  }
  if (group) {
    const count = doc.graph.nodes.filter((n) => n.group === group.id || isInside(doc.graph.groups, n.group, group.id)).length;
    return (
      <aside className="inspector" data-testid="inspector" data-selected={group.id}>
        <header className="inspector-header cat-model">
          <div className="inspector-type">{group.kind}</div>
          <div className="inspector-name" data-testid="inspector-name">{group.label}</div>
        </header>
        <div className="inspector-content"><GroupDetails group={group} spec={doc.spec} count={count} /></div>
      </aside>
    );
  }
  const n = node!;
  const resolved = resolvePath(doc.spec, n.path);
  let body: ReactNode;
  if (!resolved) body = <div className="muted">The spec has nothing at this path.</div>;
  else if (resolved.typeName === LAYER) body = <LayerDetails node={n} layer={resolved.message} />;
  else if (resolved.typeName === 'CoreML.Specification.MILSpec.Operation') body = <OperationDetails spec={doc.spec} op={resolved.message as MILSpec_Operation} name={n.label} {...(doc.package ? { pkg: doc.package } : {})} />;
  else if (resolved.typeName === 'CoreML.Specification.FeatureDescription') body = <FeatureDetails feature={resolved.message as FeatureDescription} />;
  else {
    body = (
      <Section title="Fields" summary={resolved.typeName.slice(resolved.typeName.lastIndexOf('.') + 1)} defaultOpen>
        {() => <FieldTree typeName={resolved.typeName} message={resolved.message} ctx={{ exportName: n.label }} />}
      </Section>
    );
  }
  return (
    <aside className="inspector" data-testid="inspector" data-selected={n.id} data-type={n.type}>
      <header className={`inspector-header cat-${n.category}`}>
        <div className="inspector-type" data-testid="inspector-type">{displayType(n)}<span className="inspector-category">{categoryLabel(n)}</span></div>
        <div className="inspector-name" data-testid="inspector-name">{n.label}</div>
      </header>
      <div className="inspector-content">
        <PathLine path={n.path} />
        {n.attributes.length > 0 && (
          <div className="attr-summary" data-testid="inspector-attributes">
            {n.attributes.map((a) => <div key={a.name} className="field"><span className="field-name">{a.name}</span><span className="field-value">{a.value}</span></div>)}
          </div>
        )}
        {n.notes.length > 0 && <ul className="notes">{n.notes.map((t, i) => <li key={i}>{t}</li>)}</ul>}
        {body}
      </div>
    </aside>
  );
}

function isInside(groups: readonly GraphGroup[], start: string | undefined, ancestor: string): boolean {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const seen = new Set<string>();
  for (let g = start; g !== undefined && !seen.has(g); g = byId.get(g)?.parent) {
    if (g === ancestor) return true;
    seen.add(g);
  }
  return false;
}
