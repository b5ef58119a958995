// A blob's channels as a grid of heatmaps, one canvas per channel at the map's own resolution
// (scaled up without smoothing), coloured with one shared range (so channels compare) or each
// with its own.
import { useCallback, useRef, useState } from 'react';
import { formatNumber } from '../inspector/format';
import { COLOUR_MAP, heatmapInto, imageInto, planeRange, type Planes } from './tensorView';
import { usePixels } from './usePixels';

/** Channels drawn before "Show all": a 512-channel map at 13×13 is cheap, 2,048 at 56×56 is not. */
const FIRST_CHANNELS = 96;

/** The colour map left to right, one pixel per entry. */
function paintColourMap(out: Uint8ClampedArray): void {
  for (let i = 0; i < 256; i++) out.set([COLOUR_MAP[i * 3], COLOUR_MAP[i * 3 + 1], COLOUR_MAP[i * 3 + 2], 255], i * 4);
}

function tileSize(H: number, W: number): number {
  // Small maps get blown up to stay visible; large ones shrink to keep a few per row.
  return Math.max(40, Math.min(112, Math.max(H, W) * 2));
}

function Heatmap(props: { data: Float32Array; offset: number; H: number; W: number; lo: number; hi: number; channel: number; tile: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { data, offset, H, W, lo, hi, channel, tile } = props;
  usePixels(ref, W, H, useCallback((out) => heatmapInto(data, offset, H, W, lo, hi, out), [data, offset, H, W, lo, hi]));
  const scale = tile / Math.max(H, W);
  return (
    <figure className="run-heatmap" title={`channel ${channel}`}>
      <canvas ref={ref} data-testid="heatmap" data-channel={channel} style={{ width: Math.round(W * scale), height: Math.round(H * scale) }} />
      <figcaption>{channel}</figcaption>
    </figure>
  );
}

export function ColourBar(props: { lo: number; hi: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  usePixels(ref, 256, 1, paintColourMap);
  return (
    <div className="run-colourbar">
      <span>{formatNumber(props.lo)}</span><canvas ref={ref} /><span>{formatNumber(props.hi)}</span>
    </div>
  );
}

export function ChannelGrid(props: { data: Float32Array; planes: Planes; batchIndex: number; min: number; max: number }) {
  const { data, planes, batchIndex } = props;
  const { C, H, W } = planes;
  const [perChannel, setPerChannel] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? C : Math.min(C, FIRST_CHANNELS);
  const tile = tileSize(H, W);
  const base = batchIndex * C * H * W;
  return (
    <div className="run-channels" data-testid="channel-grid" data-channels={C}>
      <div className="run-view-options">
        <label className="toggle"><input type="checkbox" checked={perChannel} onChange={(e) => setPerChannel(e.target.checked)} /> range per channel</label>
        {!perChannel && <ColourBar lo={props.min} hi={props.max} />}
        <span className="muted small">{C} channel{C === 1 ? '' : 's'} of {H}×{W}</span>
      </div>
      <div className="run-heatmaps">
        {Array.from({ length: shown }, (_, c) => {
          const offset = base + c * H * W;
          const [lo, hi] = perChannel ? planeRange(data, offset, H * W) : [props.min, props.max];
          return <Heatmap key={c} data={data} offset={offset} H={H} W={W} lo={lo} hi={hi} channel={c} tile={tile} />;
        })}
      </div>
      {shown < C && <button type="button" className="run-small" onClick={() => setShowAll(true)}>Show all {C} channels</button>}
    </div>
  );
}

/** A 1- or 3-channel map as a picture (three channels as colour, in the blob's channel order). */
export function ImageView(props: { data: Float32Array; planes: Planes; batchIndex: number; min: number; max: number; bgr: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { data, planes, batchIndex, min, max, bgr } = props;
  const { C, H, W } = planes;
  usePixels(ref, W, H, useCallback((out) => imageInto(data, batchIndex * C * H * W, C, H, W, min, max, bgr, out), [data, batchIndex, C, H, W, min, max, bgr]));
  const scale = Math.min(4, 320 / Math.max(H, W));
  return (
    <div className="run-imageview">
      <canvas ref={ref} data-testid="blob-image" style={{ width: Math.round(W * scale), height: Math.round(H * scale) }} />
      <div className="muted small">{C === 3 ? `channels as ${bgr ? 'B, G, R' : 'R, G, B'}` : 'gray'}, {formatNumber(min)} → black, {formatNumber(max)} → {C === 3 ? 'full' : 'white'}</div>
    </div>
  );
}
