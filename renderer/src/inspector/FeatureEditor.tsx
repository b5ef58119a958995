// Editors for a model input or output: its type and shape (setFeatureType: multi-array shape and
// data type, flexible ranges or enumerated shapes, image size, colour space and size range,
// optional, description) and, for image inputs of a neural network, its preprocessing
// (setPreprocessing: the presets, or scale, per-channel bias and standard deviation).
import { useState, type ReactNode } from 'react';
import {
  ArrayFeatureType_ArrayDataType, ImageFeatureType_ColorSpace, type FeatureDescription, type NeuralNetworkPreprocessing,
} from '../../../shared/format';
import type { ArrayDataTypeName, ColorSpaceName, PreprocessingPreset, SetFeatureTypeArgs, SetPreprocessingArgs } from '../../../shared/surgery';
import { refuse, runOperation } from '../editing';
import { featureForm, parseEnumeratedShapes, parseRange, parseRanges, parseShape, type FeatureForm } from './featureForm';

const DATA_TYPES = (Object.keys(ArrayFeatureType_ArrayDataType) as ArrayDataTypeName[]).filter((k) => k !== 'INVALID_ARRAY_DATA_TYPE');
const COLOR_SPACES = (Object.keys(ImageFeatureType_ColorSpace) as ColorSpaceName[]).filter((k) => k !== 'INVALID_COLOR_SPACE');
const nameOf = (table: Readonly<Record<string, number>>, v: number): string => Object.keys(table).find((k) => table[k] === v) ?? String(v);
const NAMES = { dataType: (v: number) => nameOf(ArrayFeatureType_ArrayDataType, v), colorSpace: (v: number) => nameOf(ImageFeatureType_ColorSpace, v) };

/** Anchors the inspector scrolls to from the context menu (ContextMenu.tsx). */
export const FEATURE_EDITOR_PATH = '#feature-editor';
export const PREPROCESSING_EDITOR_PATH = '#preprocessing-editor';

function Row(props: { label: string; children: ReactNode }) {
  return <label className="form-row"><span className="form-label">{props.label}</span>{props.children}</label>;
}

/** The setFeatureType arguments for what changed between two forms, or an error in the user's terms. */
function changes(name: string, a: FeatureForm, b: FeatureForm): { args: SetFeatureTypeArgs } | { error: string } | undefined {
  const args: Record<string, unknown> = { name };
  if (b.kind !== a.kind && b.kind !== 'other') args.kind = b.kind;
  if (b.kind === 'multiArray') {
    if (b.shape !== a.shape || args.kind) {
      const s = parseShape(b.shape);
      if ('error' in s) return s;
      args.shape = s.value;
    }
    if (b.dataType !== a.dataType || args.kind) args.dataType = b.dataType;
    if (b.flexibility !== a.flexibility || b.ranges !== a.ranges || b.enumerated !== a.enumerated) {
      if (b.flexibility === 'ranges') {
        const r = parseRanges(b.ranges);
        if ('error' in r) return r;
        args.shapeRange = r.value;
      } else if (b.flexibility === 'enumerated') {
        const e = parseEnumeratedShapes(b.enumerated);
        if ('error' in e) return e;
        args.enumeratedShapes = e.value;
      } else if (a.flexibility === 'ranges') args.shapeRange = null;
      else if (a.flexibility === 'enumerated') args.enumeratedShapes = null;
    }
  } else if (b.kind === 'image') {
    for (const k of ['width', 'height'] as const) {
      if (b[k] !== a[k] || args.kind) {
        const n = Number(b[k]);
        if (!Number.isInteger(n)) return { error: `image ${k} "${b[k]}" is not a whole number` };
        args[k] = n;
      }
    }
    if (b.colorSpace !== a.colorSpace || args.kind) args.colorSpace = b.colorSpace;
    if (b.sizeRange !== a.sizeRange || b.widthRange !== a.widthRange || b.heightRange !== a.heightRange) {
      if (b.sizeRange) {
        const w = parseRange(b.widthRange, 'width range');
        if ('error' in w) return w;
        const h = parseRange(b.heightRange, 'height range');
        if ('error' in h) return h;
        args.imageSizeRange = { width: w.value, height: h.value };
      } else if (a.sizeRange) args.imageSizeRange = null;
    }
  }
  if (b.optional !== a.optional) args.optional = b.optional;
  if (b.description !== a.description) args.shortDescription = b.description;
  return Object.keys(args).length > 1 ? { args: args as unknown as SetFeatureTypeArgs } : undefined;
}

export function FeatureEditor(props: { feature: FeatureDescription; kind: 'input' | 'output' }) {
  const initial = featureForm(props.feature, NAMES);
  const [form, setForm] = useState(initial);
  const set = <K extends keyof FeatureForm>(k: K, v: FeatureForm[K]): void => setForm((f) => ({ ...f, [k]: v }));
  const name = props.feature.name ?? '';
  const change = changes(name, initial, form);
  const apply = (): void => {
    if (!change) return;
    if ('error' in change) { refuse(`Edit ${name}`, change.error); return; }
    runOperation('setFeatureType', change.args);
  };
  return (
    <div className="editor-block" data-testid="feature-editor" data-path={FEATURE_EDITOR_PATH}>
      <h3>Type and shape</h3>
      {form.kind !== 'other' && (
        <Row label="kind">
          <select value={form.kind} onChange={(e) => set('kind', e.target.value as FeatureForm['kind'])} data-testid="feature-kind">
            <option value="multiArray">multi-array</option>
            <option value="image">image</option>
          </select>
        </Row>
      )}
      {form.kind === 'other' && <div className="muted small">This feature is neither a multi-array nor an image; only its description can be edited here.</div>}
      {form.kind === 'multiArray' && (
        <>
          <Row label="shape"><input type="text" value={form.shape} onChange={(e) => set('shape', e.target.value)} data-testid="feature-shape" placeholder="1, 3, 224, 224" /></Row>
          <Row label="data type">
            <select value={form.dataType} onChange={(e) => set('dataType', e.target.value)} data-testid="feature-data-type">
              {DATA_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
          </Row>
          <Row label="flexible">
            <select value={form.flexibility} onChange={(e) => set('flexibility', e.target.value as FeatureForm['flexibility'])} data-testid="feature-flexibility">
              <option value="none">no (fixed shape)</option>
              <option value="ranges">ranges per dimension</option>
              <option value="enumerated">enumerated shapes</option>
            </select>
          </Row>
          {form.flexibility === 'ranges' && <Row label="ranges"><input type="text" value={form.ranges} onChange={(e) => set('ranges', e.target.value)} placeholder="1..1, 3..3, 224..∞" data-testid="feature-ranges" /></Row>}
          {form.flexibility === 'enumerated' && <Row label="shapes"><input type="text" value={form.enumerated} onChange={(e) => set('enumerated', e.target.value)} placeholder="1,3,224,224; 1,3,448,448" data-testid="feature-enumerated" /></Row>}
        </>
      )}
      {form.kind === 'image' && (
        <>
          <Row label="width"><input type="text" inputMode="numeric" value={form.width} onChange={(e) => set('width', e.target.value)} data-testid="feature-width" /></Row>
          <Row label="height"><input type="text" inputMode="numeric" value={form.height} onChange={(e) => set('height', e.target.value)} data-testid="feature-height" /></Row>
          <Row label="colour space">
            <select value={form.colorSpace} onChange={(e) => set('colorSpace', e.target.value)} data-testid="feature-color-space">
              {COLOR_SPACES.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </Row>
          <label className="form-row check"><input type="checkbox" checked={form.sizeRange} onChange={(e) => set('sizeRange', e.target.checked)} /> flexible size</label>
          {form.sizeRange && (
            <>
              <Row label="width range"><input type="text" value={form.widthRange} onChange={(e) => set('widthRange', e.target.value)} placeholder="224..448" /></Row>
              <Row label="height range"><input type="text" value={form.heightRange} onChange={(e) => set('heightRange', e.target.value)} placeholder="224..448" /></Row>
            </>
          )}
        </>
      )}
      {props.kind === 'input' && <label className="form-row check"><input type="checkbox" checked={form.optional} onChange={(e) => set('optional', e.target.checked)} data-testid="feature-optional" /> optional input</label>}
      <Row label="description"><input type="text" value={form.description} onChange={(e) => set('description', e.target.value)} data-testid="feature-description" /></Row>
      <div className="editor-actions">
        <button type="button" disabled={!change} onClick={() => setForm(initial)}>Reset</button>
        <button type="button" className="primary" disabled={!change} onClick={apply} data-testid="feature-apply">Apply</button>
      </div>
    </div>
  );
}

const PRESET_LABELS: Readonly<Record<PreprocessingPreset, string>> = {
  zeroToOne: '0…1 (x / 255)',
  minusOneToOne: '−1…1 (x / 127.5 − 1)',
  caffe: 'Caffe / VGG (BGR, mean subtracted)',
  imagenet: 'ImageNet / torchvision (mean and std per channel)',
};

const num = (s: string): number => Number(s.trim());

export function PreprocessingEditor(props: { input: string; entry: NeuralNetworkPreprocessing | undefined; gray: boolean }) {
  const scaler = props.entry?.scaler;
  const [preset, setPreset] = useState<PreprocessingPreset | ''>('');
  const [scale, setScale] = useState(String(scaler?.channelScale ?? 1));
  const [bias, setBias] = useState(props.gray ? String(scaler?.grayBias ?? 0) : [scaler?.redBias ?? 0, scaler?.greenBias ?? 0, scaler?.blueBias ?? 0].join(', '));
  const [std, setStd] = useState('');
  const apply = (): void => {
    const args: SetPreprocessingArgs = preset
      ? { input: props.input, preset }
      : {
        input: props.input,
        scale: num(scale),
        bias: bias.split(',').map(num),
        ...(std.trim() ? { std: std.split(',').map(num) } : {}),
      };
    if (!preset && (!Number.isFinite(args.scale) || args.bias!.some((b) => !Number.isFinite(b)) || args.std?.some((s) => !Number.isFinite(s)))) {
      refuse(`Preprocessing of ${props.input}`, 'scale, biases and standard deviations must be numbers');
      return;
    }
    runOperation('setPreprocessing', args);
  };
  return (
    <div className="editor-block" data-testid="preprocessing-editor" data-path={PREPROCESSING_EDITOR_PATH}>
      <h3>Preprocessing</h3>
      <div className="muted small">Core ML computes scale · pixel + bias per channel before the first layer.</div>
      <Row label="preset">
        <select value={preset} onChange={(e) => setPreset(e.target.value as PreprocessingPreset | '')} data-testid="preprocessing-preset">
          <option value="">custom values</option>
          {(Object.keys(PRESET_LABELS) as PreprocessingPreset[]).map((p) => <option key={p} value={p}>{PRESET_LABELS[p]}</option>)}
        </select>
      </Row>
      {!preset && (
        <>
          <Row label="scale"><input type="text" value={scale} onChange={(e) => setScale(e.target.value)} data-testid="preprocessing-scale-input" /></Row>
          <Row label={props.gray ? 'bias' : 'bias (R, G, B)'}><input type="text" value={bias} onChange={(e) => setBias(e.target.value)} data-testid="preprocessing-bias-input" /></Row>
          <Row label={props.gray ? 'std' : 'std (R, G, B)'}><input type="text" value={std} placeholder="optional: adds a scale layer" onChange={(e) => setStd(e.target.value)} /></Row>
        </>
      )}
      <div className="editor-actions">
        {props.entry && <button type="button" data-testid="preprocessing-remove" onClick={() => runOperation('setPreprocessing', { input: props.input, remove: true })}>Remove</button>}
        <button type="button" className="primary" onClick={apply} data-testid="preprocessing-apply">Apply</button>
      </div>
    </div>
  );
}
