// One value of the last run: shape, statistics (NaN and Inf counted apart), histogram, and the
// views that fit it: channels as heatmaps, a picture for 1- or 3-channel maps, top-k with class
// labels for a classifier's scores, boxes on the input image for a detector's outputs.
import { useCallback, useMemo, useRef, useState } from 'react';
import { numericForm, type FeatureValue, type ImageValue } from '../../../shared/executor';
import { useHost } from '../hostContext';
import { formatNumber } from '../inspector/format';
import { Histogram } from '../inspector/Histogram';
import { ChannelGrid, ImageView } from './ChannelGrid';
import { isBgr, rgbaOf } from './inputs';
import { exportBlob } from './runActions';
import type { RunRecord } from './runStore';
import { blobStats, classLabelsOf, findDetections, formatShape, isSpatial, planesOf, topK, topKOfDictionary, type Detections, type Ranked } from './tensorView';
import { usePixels } from './usePixels';

type View = 'channels' | 'image' | 'topk' | 'boxes';
const VIEW_NAMES: Record<View, string> = { channels: 'Channels', image: 'Image', topk: 'Top-k', boxes: 'Boxes' };
const TOP_K = 10;

function TopK(props: { rows: Ranked[]; labelled: boolean }) {
  const peak = Math.max(...props.rows.map((r) => Math.abs(r.value)), 1e-30);
  return (
    <ol className="run-topk" data-testid="topk" data-labelled={props.labelled ? 'true' : 'false'}>
      {props.rows.map((r) => (
        <li key={r.index} data-testid="topk-row" data-index={r.index}>
          <span className="run-topk-label" title={r.label}>{r.label}</span>
          <span className="run-topk-bar"><span style={{ width: `${Math.max(0, (r.value / peak) * 100)}%` }} /></span>
          <span className="run-topk-value">{formatNumber(r.value)}</span>
        </li>
      ))}
    </ol>
  );
}

/** Boxes (centre x, centre y, width, height, normalised) over the image the model was given. */
function BoxesView(props: { detections: Detections; image: ImageValue | undefined }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { image, detections } = props;
  const W = image?.width ?? 320, H = image?.height ?? 320;
  // Without an image input the boxes are drawn on a light grey field of the same proportions.
  usePixels(ref, W, H, useCallback((out) => (image ? out.set(rgbaOf(image)) : out.fill(0xee)), [image]));
  const scale = Math.min(1.5, 360 / Math.max(W, H));
  return (
    <div className="run-boxes" data-testid="boxes" data-count={detections.boxes.length}>
      <div className="run-boxes-frame" style={{ width: W * scale, height: H * scale }}>
        <canvas ref={ref} style={{ width: W * scale, height: H * scale }} />
        <svg viewBox={`0 0 ${W} ${H}`} width={W * scale} height={H * scale}>
          {detections.boxes.map((b, i) => (
            <g key={i} data-testid="box">
              <rect x={(b.x - b.w / 2) * W} y={(b.y - b.h / 2) * H} width={b.w * W} height={b.h * H} />
              <text x={(b.x - b.w / 2) * W + 2} y={(b.y - b.h / 2) * H + 11}>{b.label} {Math.round(b.confidence * 100)}%</text>
            </g>
          ))}
        </svg>
      </div>
      <div className="muted small">{detections.boxes.length} box{detections.boxes.length === 1 ? '' : 'es'} from <code>{detections.coordinates}</code> and <code>{detections.confidence}</code> (confidence ≥ 30%){image ? '' : '; no image input to draw on'}</div>
    </div>
  );
}

export function TensorViewer(props: { name: string; run: RunRecord }) {
  const { name, run } = props;
  const host = useHost();
  // Memoised: a blob's value object made anew on each render would recompute its statistics every time.
  const value = useMemo((): FeatureValue | undefined => {
    const blob = run.blobs.get(name);
    return run.outputs.get(name) ?? (blob ? { kind: 'tensor', tensor: blob } : undefined);
  }, [run, name]);
  const tensor = useMemo(() => (value ? numericForm(value) : undefined), [value]);
  const stats = useMemo(() => (tensor ? blobStats(tensor.data) : undefined), [tensor]);
  const labels = useMemo(() => classLabelsOf(run.spec), [run.spec]);
  const detections = useMemo(() => findDetections(run.outputs, labels), [run.outputs, labels]);
  const planes = tensor ? planesOf(tensor.shape) : undefined;
  const firstImageInput = (run.spec.description?.input ?? []).find((d) => d.type?.imageType);
  const inputImage = [...run.inputs.values()].find((v): v is FeatureValue & { kind: 'image' } => v.kind === 'image')?.image;
  const probabilities = run.spec.description?.predictedProbabilitiesName;
  const views: View[] = [];
  if (planes && isSpatial(planes) && value?.kind !== 'dictionary') views.push('channels');
  if (planes && isSpatial(planes) && (planes.C === 1 || planes.C === 3)) views.push('image');
  if (value?.kind === 'dictionary' || (tensor && planes && !isSpatial(planes) && tensor.data.length > 1)) views.push('topk');
  if (detections && (name === detections.coordinates || name === detections.confidence)) views.push('boxes');
  const preferred: View | undefined = views.includes('boxes') ? 'boxes' : views.includes('topk') && !views.includes('channels') ? 'topk' : views[0];
  const [chosen, setChosen] = useState<View | undefined>(undefined);
  const view = chosen && views.includes(chosen) ? chosen : preferred;
  const [batchIndex, setBatchIndex] = useState(0);
  const batch = planes ? Math.min(batchIndex, planes.batch - 1) : 0;
  const kind = run.outputs.has(name) ? 'output' : run.inputs.has(name) ? 'input' : 'blob';

  if (!value) return <div className="run-viewer muted" data-testid="tensor-viewer">{name} is not in this run{run.stopAfter ? ` (it stopped after ${run.stopAfter})` : ''}.</div>;
  // A label, a string or a non-numeric sequence: the value itself (and the classifier's scores).
  const label = value.kind === 'string' || (value.kind === 'int64' && name === run.spec.description?.predictedFeatureName) ? String(value.value) : undefined;
  const probs = probabilities ? run.outputs.get(probabilities) : undefined;
  return (
    <div className="run-viewer" data-testid="tensor-viewer" data-blob={name} data-view={view ?? ''}>
      <div className="run-viewer-head">
        <code className="run-viewer-name" title={name}>{name}</code>
        <span className={`run-kind ${kind}`}>{kind}</span>
        {tensor && <span className="run-shape" data-testid="tensor-shape">{formatShape(tensor.shape)}</span>}
        {tensor && <button type="button" className="run-small" data-testid="blob-export-npy" onClick={() => void exportBlob(host, name)} title="Save this tensor as a float32 .npy file">Export .npy</button>}
      </div>
      {label !== undefined && (
        <div className="run-label" data-testid="run-label">{label}</div>
      )}
      {label !== undefined && probs?.kind === 'dictionary' && <TopK rows={topKOfDictionary(probs.value, TOP_K)} labelled />}
      {stats && (
        <div className="run-stats" data-testid="tensor-stats">
          <span>{stats.count.toLocaleString('en-US')} values</span>
          <span>min <b>{formatNumber(stats.min)}</b></span>
          <span>max <b>{formatNumber(stats.max)}</b></span>
          <span>mean <b>{formatNumber(stats.mean)}</b></span>
          <span>std <b>{formatNumber(stats.std)}</b></span>
          <span className={stats.nan ? 'warn' : 'muted'} data-testid="nan-count">NaN {stats.nan}</span>
          <span className={stats.inf ? 'warn' : 'muted'} data-testid="inf-count">Inf {stats.inf}</span>
        </div>
      )}
      {stats && stats.count > 1 && <Histogram counts={stats.histogram} min={stats.min} max={stats.max} />}
      {views.length > 0 && (
        <div className="run-view-tabs" role="tablist">
          {views.map((v) => (
            <button key={v} type="button" role="tab" aria-selected={v === view} data-testid={`view-${v}`} onClick={() => setChosen(v)}>{VIEW_NAMES[v]}</button>
          ))}
          {planes && planes.batch > 1 && (view === 'channels' || view === 'image') && (
            <label className="run-inline">batch <input type="number" min={0} max={planes.batch - 1} value={batch} onChange={(e) => setBatchIndex(Math.max(0, Math.trunc(Number(e.target.value) || 0)))} /> of {planes.batch}</label>
          )}
        </div>
      )}
      {tensor && stats && planes && view === 'channels' && <ChannelGrid key={name} data={tensor.data} planes={planes} batchIndex={batch} min={stats.min} max={stats.max} />}
      {tensor && stats && planes && view === 'image' && <ImageView data={tensor.data} planes={planes} batchIndex={batch} min={stats.min} max={stats.max} bgr={!!firstImageInput && isBgr(firstImageInput)} />}
      {view === 'topk' && (value.kind === 'dictionary'
        ? <TopK rows={topKOfDictionary(value.value, TOP_K)} labelled />
        : tensor && <TopK rows={topK(tensor.data, TOP_K, labels)} labelled={!!labels && labels.length === tensor.data.length} />)}
      {view === 'boxes' && detections && <BoxesView detections={detections} image={inputImage} />}
    </div>
  );
}
