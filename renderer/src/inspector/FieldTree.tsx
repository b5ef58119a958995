// Every field of a message, generated from the schema descriptors: a layer type added to proto/
// shows up here with no UI code. Nested messages are collapsible groups, enums show by name,
// repeated scalars are truncated with their count, WeightParams get the weights view.
import type { ReactNode } from 'react';
import type { MlPackage } from '../../../shared/format/mlpackage';
import { enumValueName } from '../../../shared/format/protobuf/codec';
import type { FieldDescriptor } from '../../../shared/format/schema/descriptor';
import { MESSAGES } from '../../../shared/format/schema/descriptors.generated';
import type { WeightParams } from '../../../shared/format/schema/types.generated';
import { tensorFromWeightParams } from '../weights/tensor';
import { formatList, formatValue } from './format';
import { Section } from './Section';
import { WeightsView } from './WeightsView';

const WEIGHT_PARAMS = 'CoreML.Specification.WeightParams';
const MAX_ITEMS = 50;

export interface FieldContext {
  /** Shape of a WeightParams field of this message, when known. */
  readonly weightShape?: (field: string) => readonly number[] | undefined;
  /** Name used for exported files ("conv1.weights"). */
  readonly exportName: string;
  readonly pkg?: MlPackage;
}

const shortType = (t: string): string => t.slice(t.lastIndexOf('.') + 1);

function isEmptyMessage(typeName: string, m: Readonly<Record<string, unknown>>): boolean {
  return (MESSAGES[typeName]?.fields ?? []).every((f) => m[f.name] === undefined);
}

function scalarText(f: FieldDescriptor, v: unknown): string {
  if (f.kind === 'enum' || f.valueKind === 'enum') return enumValueName(f.type, Number(v)) ?? String(v);
  return formatValue(v);
}

function MessageValue(props: { typeName: string; name: string; message: Readonly<Record<string, unknown>>; depth: number; ctx: FieldContext; shape?: readonly number[] }) {
  const { typeName, name, message, depth, ctx } = props;
  if (typeName === WEIGHT_PARAMS) {
    const t = tensorFromWeightParams(message as WeightParams, props.shape);
    if (!t) return <div className="field"><span className="field-name">{name}</span><span className="field-value muted">empty</span></div>;
    return <WeightsView name={name} tensor={t} exportName={`${ctx.exportName}.${name}`} />;
  }
  if (isEmptyMessage(typeName, message)) {
    return <div className="field"><span className="field-name">{name}</span><span className="field-value muted">set ({shortType(typeName)})</span></div>;
  }
  return (
    <Section title={name} summary={shortType(typeName)} defaultOpen={depth < 1}>
      {() => <FieldTree typeName={typeName} message={message} depth={depth + 1} ctx={{ exportName: `${ctx.exportName}.${name}`, ...(ctx.pkg ? { pkg: ctx.pkg } : {}) }} />}
    </Section>
  );
}

function renderField(f: FieldDescriptor, v: unknown, depth: number, ctx: FieldContext): ReactNode {
  if (f.kind === 'message') {
    if (!f.repeated) {
      return <MessageValue key={f.name} typeName={f.type} name={f.name} message={v as Readonly<Record<string, unknown>>} depth={depth} ctx={ctx} shape={ctx.weightShape?.(f.name)} />;
    }
    const items = v as readonly Readonly<Record<string, unknown>>[];
    return (
      <Section key={f.name} title={f.name} summary={`${items.length} × ${shortType(f.type)}`} defaultOpen={depth < 1 && items.length <= 4}>
        {() => (
          <>
            {items.slice(0, MAX_ITEMS).map((m, i) => <MessageValue key={i} typeName={f.type} name={`[${i}]`} message={m} depth={depth + 1} ctx={{ exportName: `${ctx.exportName}.${f.name}${i}`, ...(ctx.pkg ? { pkg: ctx.pkg } : {}) }} />)}
            {items.length > MAX_ITEMS && <div className="muted">… {items.length - MAX_ITEMS} more</div>}
          </>
        )}
      </Section>
    );
  }
  if (f.kind === 'map') {
    const map = v as ReadonlyMap<unknown, unknown>;
    return (
      <Section key={f.name} title={f.name} summary={`${map.size} entr${map.size === 1 ? 'y' : 'ies'}`} defaultOpen={depth < 1 && map.size <= 8}>
        {() => [...map].slice(0, MAX_ITEMS).map(([k, val]) => (f.valueKind === 'message'
          ? <MessageValue key={String(k)} typeName={f.type} name={String(k)} message={val as Readonly<Record<string, unknown>>} depth={depth + 1} ctx={ctx} />
          : <div key={String(k)} className="field"><span className="field-name">{String(k)}</span><span className="field-value">{scalarText(f, val)}</span></div>))}
      </Section>
    );
  }
  if (f.repeated || v instanceof Uint8Array) {
    const arr = v as ArrayLike<unknown>;
    const text = v instanceof Uint8Array ? `${arr.length} bytes` : formatList(arr, 8, (x) => scalarText(f, x));
    return (
      <div key={f.name} className="field" data-field={f.name}>
        <span className="field-name">{f.name}</span>
        <span className="field-value" title={v instanceof Uint8Array ? undefined : formatList(arr, 64, (x) => scalarText(f, x))}>{text}</span>
        {!(v instanceof Uint8Array) && arr.length > 8 && <span className="field-count">{arr.length} values</span>}
      </div>
    );
  }
  return (
    <div key={f.name} className="field" data-field={f.name}>
      <span className="field-name">{f.name}</span>
      <span className="field-value">{scalarText(f, v)}</span>
    </div>
  );
}

export function FieldTree(props: { typeName: string; message: Readonly<Record<string, unknown>>; depth?: number; ctx: FieldContext; omit?: readonly string[] }) {
  const desc = MESSAGES[props.typeName];
  if (!desc) return <div className="muted">unknown message type {props.typeName}</div>;
  const depth = props.depth ?? 0;
  const fields = desc.fields.filter((f) => props.message[f.name] !== undefined && !props.omit?.includes(f.name));
  if (fields.length === 0) return <div className="muted">no fields set</div>;
  return <div className="field-tree">{fields.map((f) => renderField(f, props.message[f.name], depth, props.ctx))}</div>;
}
