// Every field of a message, generated from the schema descriptors: a layer type added to proto/
// shows up here with no UI code. Nested messages are collapsible groups, enums show by name,
// repeated scalars are truncated with their count, WeightParams get the weights view. When the
// message's spec path is known, scalar fields are editable in place (editField on that path) and
// each row carries its path, so a validation finding can bring its field into view.
import { createContext, useContext, type ReactNode } from 'react';
import { MESSAGES, enumValueName, formatPath, type FieldDescriptor, type MlPackage, type PathStep } from '../../../shared/format';
import type { WeightLayout } from '../weights/nnShapes';
import { tensorFromWeightParams } from '../weights/tensor';
import { EditableValue } from './EditableValue';
import { isEditable } from './fieldEdit';
import { formatList, formatValue } from './format';
import { Section } from './Section';
import { WeightsView } from './WeightsView';

const WEIGHT_PARAMS = 'CoreML.Specification.WeightParams';
const MAX_ITEMS = 50;

export interface FieldContext {
  /** Shape and output channels of a WeightParams field of this message, when known. */
  readonly weightLayout?: (field: string) => WeightLayout | undefined;
  /** Name used for exported files ("conv1.weights"). */
  readonly exportName: string;
  readonly pkg?: MlPackage;
  /** Spec path of the message shown: its scalar fields become editable. */
  readonly path?: readonly PathStep[];
}

/** The spec path (formatPath) the inspector was asked to show: sections on the way open for it. */
export const InspectorFocusContext = createContext<{ readonly path: string; readonly seq: number } | null>(null);

/** Whether `focus` is `path` or lies below it. */
export function isWithin(focus: string, path: string): boolean {
  return focus === path || focus.startsWith(`${path}.`) || focus.startsWith(`${path}[`);
}

function useFocusWithin(path: readonly PathStep[] | undefined): number | undefined {
  const focus = useContext(InspectorFocusContext);
  if (!focus || !path) return undefined;
  return isWithin(focus.path, formatPath(path)) ? focus.seq : undefined;
}

const shortType = (t: string): string => t.slice(t.lastIndexOf('.') + 1);

function isEmptyMessage(typeName: string, m: Readonly<Record<string, unknown>>): boolean {
  return (MESSAGES[typeName]?.fields ?? []).every((f) => m[f.name] === undefined);
}

function scalarText(f: FieldDescriptor, v: unknown): string {
  if (f.kind === 'enum' || f.valueKind === 'enum') return enumValueName(f.type, Number(v)) ?? String(v);
  return formatValue(v);
}

const sub = (ctx: FieldContext, exportName: string, ...steps: PathStep[]): FieldContext => ({
  exportName,
  ...(ctx.pkg ? { pkg: ctx.pkg } : {}),
  ...(ctx.path ? { path: [...ctx.path, ...steps] } : {}),
});

function MessageValue(props: { typeName: string; name: string; message: Readonly<Record<string, unknown>>; depth: number; ctx: FieldContext; layout?: WeightLayout | undefined }) {
  const { typeName, name, message, depth, ctx } = props;
  const focusSeq = useFocusWithin(ctx.path);
  const dataPath = ctx.path ? formatPath(ctx.path) : undefined;
  if (typeName === WEIGHT_PARAMS) {
    const t = tensorFromWeightParams(message, props.layout);
    if (!t) return <div className="field" data-path={dataPath}><span className="field-name">{name}</span><span className="field-value muted">empty</span></div>;
    return <div data-path={dataPath}><WeightsView key={dataPath} name={name} tensor={t} exportName={ctx.exportName} /></div>;
  }
  if (isEmptyMessage(typeName, message)) {
    return <div className="field" data-path={dataPath}><span className="field-name">{name}</span><span className="field-value muted">set ({shortType(typeName)})</span></div>;
  }
  return (
    <Section title={name} summary={shortType(typeName)} defaultOpen={depth < 1} {...(focusSeq !== undefined ? { openFor: focusSeq } : {})} dataPath={dataPath}>
      {() => <FieldTree typeName={typeName} message={message} depth={depth + 1} ctx={ctx} />}
    </Section>
  );
}

function RepeatedMessages(props: { f: FieldDescriptor; items: readonly Readonly<Record<string, unknown>>[]; depth: number; ctx: FieldContext }) {
  const { f, items, depth, ctx } = props;
  const focusSeq = useFocusWithin(ctx.path ? [...ctx.path, f.name] : undefined);
  return (
    <Section title={f.name} summary={`${items.length} × ${shortType(f.type)}`} defaultOpen={depth < 1 && items.length <= 4} {...(focusSeq !== undefined ? { openFor: focusSeq } : {})}>
      {() => (
        <>
          {items.slice(0, MAX_ITEMS).map((m, i) => <MessageValue key={i} typeName={f.type} name={`[${i}]`} message={m} depth={depth + 1} ctx={sub(ctx, `${ctx.exportName}.${f.name}${i}`, f.name, i)} />)}
          {items.length > MAX_ITEMS && <div className="muted">… {items.length - MAX_ITEMS} more</div>}
        </>
      )}
    </Section>
  );
}

function MapField(props: { f: FieldDescriptor; map: ReadonlyMap<unknown, unknown>; depth: number; ctx: FieldContext }) {
  const { f, map, depth, ctx } = props;
  const focusSeq = useFocusWithin(ctx.path ? [...ctx.path, f.name] : undefined);
  return (
    <Section title={f.name} summary={`${map.size} entr${map.size === 1 ? 'y' : 'ies'}`} defaultOpen={depth < 1 && map.size <= 8} {...(focusSeq !== undefined ? { openFor: focusSeq } : {})}>
      {() => [...map].slice(0, MAX_ITEMS).map(([k, val]) => (f.valueKind === 'message'
        ? <MessageValue key={String(k)} typeName={f.type} name={String(k)} message={val as Readonly<Record<string, unknown>>} depth={depth + 1} ctx={sub(ctx, ctx.exportName, f.name, k as PathStep)} />
        : <div key={String(k)} className="field"><span className="field-name">{String(k)}</span><span className="field-value">{scalarText(f, val)}</span></div>))}
    </Section>
  );
}

function ScalarField(props: { f: FieldDescriptor; v: unknown; ctx: FieldContext }) {
  const { f, v, ctx } = props;
  const path = ctx.path ? [...ctx.path, f.name] : undefined;
  const dataPath = path ? formatPath(path) : undefined;
  const editable = !!path && isEditable(f, v);
  if (f.repeated || v instanceof Uint8Array) {
    const arr = v as ArrayLike<unknown>;
    const text = v instanceof Uint8Array ? `${arr.length} bytes` : formatList(arr, 8, (x) => scalarText(f, x));
    const title = v instanceof Uint8Array ? undefined : formatList(arr, 64, (x) => scalarText(f, x));
    return (
      <div className="field" data-field={f.name} data-path={dataPath}>
        <span className="field-name">{f.name}</span>
        {editable ? <EditableValue key={dataPath} field={f} value={v} path={path} display={text} {...(title ? { title: `${title}\nClick to edit` } : {})} /> : <span className="field-value" title={title}>{text}</span>}
        {!(v instanceof Uint8Array) && arr.length > 8 && <span className="field-count">{arr.length} values</span>}
      </div>
    );
  }
  return (
    <div className="field" data-field={f.name} data-path={dataPath}>
      <span className="field-name">{f.name}</span>
      {editable ? <EditableValue key={dataPath} field={f} value={v} path={path} display={scalarText(f, v)} /> : <span className="field-value">{scalarText(f, v)}</span>}
    </div>
  );
}

function renderField(f: FieldDescriptor, v: unknown, depth: number, ctx: FieldContext): ReactNode {
  if (f.kind === 'message') {
    if (!f.repeated) {
      return <MessageValue key={f.name} typeName={f.type} name={f.name} message={v as Readonly<Record<string, unknown>>} depth={depth} ctx={sub(ctx, `${ctx.exportName}.${f.name}`, f.name)} layout={ctx.weightLayout?.(f.name)} />;
    }
    return <RepeatedMessages key={f.name} f={f} items={v as readonly Readonly<Record<string, unknown>>[]} depth={depth} ctx={ctx} />;
  }
  if (f.kind === 'map') return <MapField key={f.name} f={f} map={v as ReadonlyMap<unknown, unknown>} depth={depth} ctx={ctx} />;
  return <ScalarField key={f.name} f={f} v={v} ctx={ctx} />;
}

/**
 * Scalar fields left at their default (proto3 does not write zeros, so MAX pooling or a zero
 * padding are simply absent): listed apart, editable like the others, so a default can be changed.
 */
function UnsetFields(props: { fields: readonly FieldDescriptor[]; path: readonly PathStep[] }) {
  return (
    <Section title="defaults" summary={`${props.fields.length} unset`} testId="unset-fields">
      {() => props.fields.map((f) => {
        const path = [...props.path, f.name];
        const shown = f.repeated ? '[]' : f.kind === 'enum' ? scalarText(f, 0) : f.type === 'string' ? '""' : f.type === 'bool' ? 'false' : '0';
        return (
          <div key={f.name} className="field unset" data-field={f.name} data-path={formatPath(path)}>
            <span className="field-name">{f.name}</span>
            <EditableValue key={formatPath(path)} field={f} value={f.repeated ? [] : f.kind === 'enum' ? 0 : f.type === 'bool' ? false : undefined} path={path} display={shown} title="Default value; click to set" />
          </div>
        );
      })}
    </Section>
  );
}

export function FieldTree(props: { typeName: string; message: Readonly<Record<string, unknown>>; depth?: number; ctx: FieldContext; omit?: readonly string[] }) {
  const desc = MESSAGES[props.typeName];
  if (!desc) return <div className="muted">unknown message type {props.typeName}</div>;
  const depth = props.depth ?? 0;
  const fields = desc.fields.filter((f) => props.message[f.name] !== undefined && !props.omit?.includes(f.name));
  // Members of a oneof are left out: setting one is choosing a different kind of thing.
  const unset = props.ctx.path
    ? desc.fields.filter((f) => props.message[f.name] === undefined && !f.oneof && (f.kind === 'scalar' || f.kind === 'enum') && f.type !== 'bytes' && !props.omit?.includes(f.name))
    : [];
  if (fields.length === 0 && unset.length === 0) return <div className="muted">no fields set</div>;
  return (
    <div className="field-tree">
      {fields.length === 0 && <div className="muted">no fields set</div>}
      {fields.map((f) => renderField(f, props.message[f.name], depth, props.ctx))}
      {unset.length > 0 && <UnsetFields fields={unset} path={props.ctx.path!} />}
    </div>
  );
}
