// The right panel: everything about the selected node, read from the spec at the node's path.
import { useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import {
  ImageFeatureType_ColorSpace, MESSAGES, describeFeatureType, featureInfo, formatPath, whichOneof,
  type FeatureDescription, type MILSpec_Operation, type MlPackage, type Model,
  type NeuralNetworkPreprocessing, type PathStep,
} from '../../../shared/format';
import type { GraphGroup, GraphNode } from '../../../shared/graph';
import type { Diagnostic } from '../../../shared/validate';
import { featureRef } from '../document/editTargets';
import { graphEdgeIds, insertOnEdge, runOperation } from '../editing';
import { SEVERITY_ICON } from '../panels/Dock';
import { useDocumentStore, type ModelDocument } from '../store/documentStore';
import { useViewStore } from '../store/viewStore';
import { FeatureEditor, PreprocessingEditor } from './FeatureEditor';
import { nnWeightLayout } from '../weights/nnShapes';
import { tensorFromMilValue } from '../weights/tensor';
import { FieldTree, InspectorFocusContext, isWithin } from './FieldTree';
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

/** Identity of a form: the spec path of what it edits and the revision it started from. */
export function formKey(path: readonly PathStep[], doc: ModelDocument): string {
  return `${formatPath(path)}@${doc.revision.seq}`;
}

/** A blob name a layer reads or writes, editable in place (editField on that list entry). */
function EditableName(props: { name: string; path: readonly PathStep[]; testId: string }) {
  const [editing, setEditing] = useState(false);
  const dataPath = formatPath(props.path);
  if (!editing) {
    return (
      <code role="button" tabIndex={0} className="editable-name" data-testid={props.testId} data-path={dataPath} title="Click to point this at another blob"
        onClick={() => setEditing(true)} onKeyDown={(e) => { if (e.key === 'Enter' || e.key === 'F2') { e.preventDefault(); setEditing(true); } }}>
        {props.name}
      </code>
    );
  }
  const done = (value: string | null): void => {
    setEditing(false);
    if (value !== null && value !== props.name) runOperation('editField', { path: props.path, value });
  };
  return (
    <input className="field-editor name-editor" autoFocus defaultValue={props.name} data-testid={`${props.testId}-editor`} data-path={dataPath}
      onKeyDown={(e) => {
        if (e.key === 'Enter') { e.preventDefault(); done(e.currentTarget.value); }
        if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); done(null); }
      }}
      onBlur={(e) => done(e.currentTarget.value)} />
  );
}

function NameList(props: { title: string; names: readonly string[]; testId: string; path?: readonly PathStep[]; itemTestId: string }) {
  if (!props.names.length) return null;
  return (
    <div className="name-list" data-testid={props.testId}>
      <span className="field-name">{props.title}</span>
      <span className="names">
        {props.names.map((n, i) => (props.path
          ? <EditableName key={`${formatPath([...props.path, i])}:${n}`} name={n} path={[...props.path, i]} testId={props.itemTestId} />
          : <code key={`${i}:${n}`}>{n}</code>))}
      </span>
    </div>
  );
}

function LayerDetails(props: { node: GraphNode; layer: Readonly<Record<string, unknown>> }) {
  const type = whichOneof(LAYER, props.layer, 'layer');
  const paramsField = MESSAGES[LAYER].fields.find((f) => f.name === type);
  const params = type ? (props.layer[type] as Readonly<Record<string, unknown>>) : undefined;
  const name = typeof props.layer.name === 'string' ? props.layer.name : props.node.label;
  const path = props.node.path;
  return (
    <>
      <NameList title="inputs" names={(props.layer.input as string[] | undefined) ?? []} testId="inspector-inputs" path={[...path, 'input']} itemTestId="layer-input" />
      <NameList title="outputs" names={(props.layer.output as string[] | undefined) ?? []} testId="inspector-outputs" path={[...path, 'output']} itemTestId="layer-output" />
      {params && paramsField && (
        <div className="inspector-block" data-testid="inspector-params">
          <h3>{type} parameters</h3>
          <FieldTree typeName={paramsField.type} message={params} ctx={{ exportName: name, weightLayout: (f) => nnWeightLayout(type!, params, f), path: [...path, type!] }} />
        </div>
      )}
      <Section title="Layer fields" summary="name, tensors, updatable">
        {() => <FieldTree typeName={LAYER} message={props.layer} depth={1} omit={type ? [type, 'input', 'output'] : ['input', 'output']} ctx={{ exportName: name, path }} />}
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

/** The preprocessing entry of an image input: the one naming it, or the unnamed one when it is the only image input. */
function preprocessingFor(spec: Model, input: string): { entry?: NeuralNetworkPreprocessing; network: boolean } {
  const net = spec.neuralNetwork ?? spec.neuralNetworkClassifier ?? spec.neuralNetworkRegressor;
  if (!net) return { network: false };
  const images = (spec.description?.input ?? []).filter((f) => f.type?.imageType);
  const entry = (net.preprocessing ?? []).find((p) => p.featureName === input || (!p.featureName && images.length === 1));
  return entry ? { entry, network: true } : { network: true };
}

function FeatureDetails(props: { node: GraphNode; feature: FeatureDescription; doc: ModelDocument }) {
  const info = featureInfo(props.feature);
  const ref = featureRef(props.node);
  const topLevel = ref?.model.length === 0;
  const image = props.feature.type?.imageType;
  const pre = ref?.kind === 'input' && image && topLevel ? preprocessingFor(props.doc.spec, info.name) : undefined;
  const gray = image?.colorSpace === ImageFeatureType_ColorSpace.GRAYSCALE || image?.colorSpace === ImageFeatureType_ColorSpace.GRAYSCALE_FLOAT16;
  // Each form belongs to this feature at this revision: another selection or a new revision
  // starts it again from the values it edits, so an Apply never sends another feature's form.
  const key = formKey(props.node.path, props.doc);
  return (
    <>
      <div className="field"><span className="field-name">type</span><span className="field-value" data-testid="inspector-feature-type">{describeFeatureType(info.type)}</span></div>
      {info.shortDescription && <p className="description">{info.shortDescription}</p>}
      {topLevel && <FeatureEditor key={`feature ${key}`} feature={props.feature} kind={ref.kind} />}
      {pre?.network && <PreprocessingEditor key={`preprocessing ${key}`} input={info.name} entry={pre.entry} gray={gray} />}
      <Section title="Feature fields">
        {() => <FieldTree typeName="CoreML.Specification.FeatureDescription" message={props.feature as Readonly<Record<string, unknown>>} ctx={{ exportName: info.name, path: props.node.path }} />}
      </Section>
    </>
  );
}

/** The validation findings shown on the selected node, as in the Problems list. */
function Findings(props: { list: readonly Diagnostic[] | undefined }) {
  if (!props.list?.length) return null;
  return (
    <ul className="inspector-findings" data-testid="inspector-findings">
      {props.list.map((d, i) => (
        <li key={i} className={d.severity}>
          <button type="button" className="link" onClick={() => useViewStore.getState().focusInspector(formatPath(d.path))}>
            <span className="sev-icon">{SEVERITY_ICON[d.severity]}</span> {d.message} <code className="muted">{formatPath(d.path)}</code>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** A selected connection: the blob, its producer and consumer, and what can be done on it. */
function EdgeDetails(props: { doc: ModelDocument; viewEdgeId: string }) {
  const ids = new Set(graphEdgeIds(props.viewEdgeId));
  const edges = props.doc.graph.edges.filter((e) => ids.has(e.id));
  const nodes = new Map(props.doc.graph.nodes.map((n) => [n.id, n]));
  if (edges.length === 0) return <div className="panel-empty">That connection is no longer in the model.</div>;
  const first = edges[0];
  return (
    <aside className="inspector" data-testid="inspector" data-selected-edge={props.viewEdgeId}>
      <header className="inspector-header cat-layer">
        <div className="inspector-type">Connection</div>
        <div className="inspector-name" data-testid="inspector-name">{first.blob}</div>
      </header>
      <div className="inspector-content">
        <PathLine path={first.path} />
        {edges.map((e) => (
          <div key={e.id} className="edge-facts">
            <div className="field"><span className="field-name">blob</span><span className="field-value"><code>{e.blob}</code></span></div>
            <div className="field"><span className="field-name">from</span><span className="field-value">{nodes.get(e.source)?.label ?? e.source} (output {e.sourceIndex})</span></div>
            <div className="field"><span className="field-name">to</span><span className="field-value">{nodes.get(e.target)?.label ?? e.target} (input {e.targetIndex})</span></div>
          </div>
        ))}
        <div className="editor-actions left">
          <button type="button" data-testid="edge-insert" onClick={() => useViewStore.getState().setDialog({ kind: 'pickLayer', title: `Insert on ${first.blob}`, onPick: (t) => insertOnEdge(props.viewEdgeId, t) })}>Insert layer…</button>
        </div>
        <p className="muted small">Drag a layer type from the Layers palette onto the connection, or drag the connection’s upper end onto another node to read that node’s output instead.</p>
      </div>
    </aside>
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
          {() => <FieldTree typeName={resolved.typeName} message={resolved.message} depth={1} ctx={{ exportName: props.group.label, path: props.group.path }} />}
        </Section>
      )}
    </>
  );
}

/**
 * Brings the field a finding or menu item names into view: the element whose data-path is the
 * longest prefix of the requested path, marked until the next request.
 */
function useFocusScroll(root: RefObject<HTMLElement | null>, focus: { path: string; seq: number } | null, selected: string | undefined): void {
  useEffect(() => {
    if (!focus) return;
    let frame = requestAnimationFrame(() => {
      // One more frame: sections opened for the focus render their contents in between.
      frame = requestAnimationFrame(() => {
        const el = root.current;
        if (!el) return;
        for (const old of el.querySelectorAll('.focused')) old.classList.remove('focused');
        let best: Element | undefined;
        let bestLength = -1;
        for (const c of el.querySelectorAll('[data-path]')) {
          const p = c.getAttribute('data-path') ?? '';
          if (p && isWithin(focus.path, p) && p.length > bestLength) { best = c; bestLength = p.length; }
        }
        if (!best) return;
        best.classList.add('focused');
        best.scrollIntoView({ block: 'nearest' });
      });
    });
    return () => cancelAnimationFrame(frame);
  }, [root, focus, selected]);
}

export function Inspector() {
  const doc = useDocumentStore((s) => s.document);
  const selection = useViewStore((s) => s.selection);
  const edgeSelection = useViewStore((s) => s.edgeSelection);
  const focus = useViewStore((s) => s.inspectorFocus);
  const root = useRef<HTMLDivElement>(null);
  const node = useMemo(() => doc?.graph.nodes.find((n) => n.id === selection), [doc, selection]);
  const group = useMemo(() => (node ? undefined : doc?.graph.groups.find((g) => g.id === selection)), [doc, node, selection]);
  useFocusScroll(root, focus, selection ?? undefined);
  if (!doc) return null;
  return (
    <InspectorFocusContext.Provider value={focus}>
      <div className="inspector-wrap" ref={root}>
        {/* Everything below is about one element: selecting another one starts it afresh
            (open editors, sections, weight statistics) instead of carrying state across. */}
        <InspectorBody key={node?.id ?? group?.id ?? (edgeSelection ? `edge ${edgeSelection}` : 'none')} doc={doc} node={node} group={group} edgeSelection={edgeSelection} />
      </div>
    </InspectorFocusContext.Provider>
  );
}

function InspectorBody({ doc, node, group, edgeSelection }: { doc: ModelDocument; node: GraphNode | undefined; group: GraphGroup | undefined; edgeSelection: string | null }) {
  if (!node && !group && edgeSelection) return <EdgeDetails doc={doc} viewEdgeId={edgeSelection} />;
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
        <div className="inspector-content">
          <Findings list={doc.diagnosticIndex.byElement.get(group.id)} />
          <GroupDetails group={group} spec={doc.spec} count={count} />
        </div>
      </aside>
    );
  }
  const n = node!;
  const resolved = resolvePath(doc.spec, n.path);
  let body: ReactNode;
  if (!resolved) body = <div className="muted">The spec has nothing at this path.</div>;
  else if (resolved.typeName === LAYER) body = <LayerDetails node={n} layer={resolved.message} />;
  else if (resolved.typeName === 'CoreML.Specification.MILSpec.Operation') body = <OperationDetails spec={doc.spec} op={resolved.message} name={n.label} {...(doc.package ? { pkg: doc.package } : {})} />;
  else if (resolved.typeName === 'CoreML.Specification.FeatureDescription') body = <FeatureDetails node={n} feature={resolved.message} doc={doc} />;
  else {
    body = (
      <Section title="Fields" summary={resolved.typeName.slice(resolved.typeName.lastIndexOf('.') + 1)} defaultOpen>
        {() => <FieldTree typeName={resolved.typeName} message={resolved.message} ctx={{ exportName: n.label, path: n.path }} />}
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
        <Findings list={doc.diagnosticIndex.byElement.get(n.id)} />
        {/* A feature's one attribute is its type, which FeatureDetails shows. */}
        {n.attributes.length > 0 && n.kind !== 'input' && n.kind !== 'output' && (
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
