// The canvas layout (renderer/src/layout): geometry facts on real models and long chains, and
// what an edit does to an existing layout.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildChainModel } from '../../bench/synthetic';
import type { Model } from '../../shared/format/schema/types.generated';
import { decodeModel } from '../../shared/format/model';
import { readPackage } from '../../shared/format/mlpackage';
import { buildGraph } from '../../shared/graph/build';
import { insertLayer, deleteLayer } from '../../shared/surgery/layers';
import { renameLayer } from '../../shared/surgery/rename';
import { buildViewGraph, type ViewGraph } from '../../renderer/src/canvas/viewGraph';
import { dataflowLayout, layoutEdges } from '../../renderer/src/layout/dataflowLayout';
import { updateLayout } from '../../renderer/src/layout/incremental';
import { routeKey, type LayoutResult, type Placement } from '../../renderer/src/layout/types';
import { SHARED, sharedPresent } from '../support/shared-data';

const load = (rel: string): Model => decodeModel(new Uint8Array(readFileSync(join(SHARED, 'models', rel))));
const view = (spec: Model): ViewGraph => buildViewGraph(buildGraph(spec), new Set());

/** Absolute box of an item (placements are relative to the parent group). */
function absolute(v: ViewGraph, l: LayoutResult, id: string): Placement {
  const p = l.placements.get(id)!;
  let x = p.x, y = p.y;
  for (let g = v.byId.get(id)?.parent; g !== undefined; g = v.byId.get(g)?.parent) { x += l.placements.get(g)!.x; y += l.placements.get(g)!.y; }
  return { x, y, width: p.width, height: p.height };
}

/** Facts every layout must have: all items placed, siblings never overlap, children inside their group, edges point down. */
function checkGeometry(v: ViewGraph, l: LayoutResult): void {
  for (const it of v.items) expect(l.placements.has(it.id), `${it.id} placed`).toBe(true);
  const siblings = new Map<string | undefined, string[]>();
  for (const it of v.items) siblings.set(it.parent, [...(siblings.get(it.parent) ?? []), it.id]);
  for (const ids of siblings.values()) {
    // Sort by x and sweep: boxes of one container never overlap.
    const boxes = ids.map((id) => ({ id, ...l.placements.get(id)! })).sort((a, b) => a.y - b.y);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length && boxes[j].y < boxes[i].y + boxes[i].height; j++) {
        const a = boxes[i], b = boxes[j];
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x;
        expect(apart, `${a.id} and ${b.id} overlap`).toBe(true);
      }
    }
  }
  for (const it of v.items) {
    if (!it.parent) continue;
    const p = l.placements.get(it.id)!, g = l.placements.get(it.parent)!;
    expect(p.x >= 0 && p.y >= 0 && p.x + p.width <= g.width && p.y + p.height <= g.height, `${it.id} inside ${it.parent}`).toBe(true);
  }
  for (const e of layoutEdges(v)) {
    if (v.byId.get(e.source)?.parent !== v.byId.get(e.target)?.parent) continue;
    const s = l.placements.get(e.source)!, t = l.placements.get(e.target)!;
    expect(t.y >= s.y + s.height, `${e.source} above ${e.target}`).toBe(true);
  }
  // A route runs from the source's bottom centre to the target's top centre.
  for (const e of v.edges) {
    const r = l.routes.get(routeKey(e.source, e.target));
    if (!r) continue;
    const s = l.placements.get(e.source)!, t = l.placements.get(e.target)!;
    expect(r.points[0]).toEqual({ x: s.x + s.width / 2, y: s.y + s.height });
    expect(r.points.at(-1)).toEqual({ x: t.x + t.width / 2, y: t.y });
  }
}

describe('dataflowLayout on synthetic chains', () => {
  it('lays out a 10,000-layer chain (no recursion) as one vertical line, one layer per row, in chain order', () => {
    const v = view(buildChainModel(10_000));
    const l = dataflowLayout(v);
    checkGeometry(v, l);
    const nodes = v.items.map((it) => l.placements.get(it.id)!);
    const centres = new Set(nodes.map((p) => Math.round(p.x + p.width / 2)));
    expect(centres.size).toBeLessThanOrEqual(2); // rounding of odd widths
    for (let i = 1; i < nodes.length; i++) expect(nodes[i].y).toBeGreaterThan(nodes[i - 1].y);
  });
});

describe.skipIf(!sharedPresent)('dataflowLayout on real models', () => {
  it.each([
    ['SqueezeNetFP16', 'tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel'],
    ['model_cpm', 'tucan9389__PoseEstimation-CoreML/model_cpm.mlmodel'],
    ['MRT (pipeline groups)', 'Appletone__iPlayground-CreateML/MRT.mlmodel'],
  ])('%s: no overlaps, edges point down, long edges routed', (_, rel) => {
    const v = view(load(rel));
    checkGeometry(v, dataflowLayout(v));
  });

  it('yolov8n (ML Program blocks): groups hold their contents', () => {
    const dir = join(SHARED, 'models', 'saadiahl__cat_feeder_project/yolov8n.mlpackage');
    const files = new Map<string, Uint8Array>();
    const walk = (rel: string): void => {
      for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(p); else files.set(p, new Uint8Array(readFileSync(join(dir, p))));
      }
    };
    walk('');
    const spec = readPackage({ files, directories: [] }).spec;
    const v = view(spec);
    expect(v.items.some((i) => i.kind === 'group')).toBe(true);
    const l = dataflowLayout(v);
    checkGeometry(v, l);
    // The image goes into the pipeline's first stage and on into the ML Program's block, three
    // groups deep: the input nodes above stand over the operation they feed, not over the middle
    // of the 2,400-pixel-wide block (which left the top of the block empty on screen).
    const centre = (id: string): number => { const b = absolute(v, l, id); return b.x + b.width / 2; };
    const imageEdges = v.edges.filter((e) => e.source === 'description.input[0]' || e.source === 'pipeline.models[0].description.input[0]');
    expect(imageEdges.length).toBe(2);
    for (const e of imageEdges) expect(Math.abs(centre(e.source) - centre(e.target)), `${e.source} over ${e.target}`).toBeLessThan(2);
    const inner = imageEdges.find((e) => e.source.startsWith('pipeline.'))!;
    expect(v.byId.get(inner.target)?.parent).toBe('group:pipeline.models[0].mlProgram.functions.main.block_specializations.CoreML6');
  });

  it('model_cpm: the concat that joins each stage has its long inputs routed through free slots', () => {
    const v = view(load('tucan9389__PoseEstimation-CoreML/model_cpm.mlmodel'));
    const l = dataflowLayout(v);
    expect(l.routes.size).toBeGreaterThan(10);
    // No route point lies inside a node box.
    const inside: string[] = [];
    const boxes = v.items.map((it) => ({ id: it.id, ...l.placements.get(it.id)! }));
    for (const r of l.routes.values()) {
      for (const p of r.points.slice(1, -1)) {
        for (const b of boxes) if (p.x > b.x && p.x < b.x + b.width && p.y > b.y && p.y < b.y + b.height) inside.push(`${p.x},${p.y} in ${b.id}`);
      }
    }
    expect(inside).toEqual([]);
  });
});

describe.skipIf(!sharedPresent)('layout after an edit (SqueezeNet)', () => {
  const NN = 'neuralNetworkClassifier';
  const spec = load('tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel');
  const before = view(spec);
  const laid = dataflowLayout(before);
  const labelOf = (v: ViewGraph, id: string): string => v.byId.get(id)!.node!.label;

  it('a rename keeps every node where it was (a node whose width changed keeps its centre)', () => {
    const renamed = renameLayer(spec, { layerPath: [NN, 'layers', 0], to: 'first_convolution' });
    const after = view(renamed);
    const l = updateLayout({ view: before, layout: laid }, after);
    expect(l.mode).toBe('same');
    for (const it of after.items) {
      const p = l.placements.get(it.id)!, q = laid.placements.get(it.id)!;
      expect(p.y).toBe(q.y);
      expect(p.x + p.width / 2).toBe(q.x + q.width / 2);
    }
    expect(labelOf(after, `${NN}.layers[0]`)).toBe('first_convolution');
  });

  it('an insert places only the new layer: the nodes above stay, the nodes below move down together', () => {
    const conv1 = spec[NN]!.layers![0];
    const inserted = insertLayer(spec, { blob: conv1.output![0], consumer: 1, type: 'bias', name: 'added_bias' }).spec;
    const after = view(inserted);
    const l = updateLayout({ view: before, layout: laid }, after);
    expect(l.mode).toBe('incremental');
    const byLabel = (v: ViewGraph, lay: LayoutResult): Map<string, Placement> => new Map(v.items.filter((i) => i.node).map((i) => [`${i.node!.kind}:${i.node!.label}`, lay.placements.get(i.id)!]));
    const old = byLabel(before, laid), now = byLabel(after, l);
    const bias = now.get('layer:added_bias')!;
    const convBox = old.get(`layer:${conv1.name}`)!;
    expect(bias.y).toBeGreaterThan(convBox.y + convBox.height);
    const shifts = new Set<number>();
    for (const [k, p] of old) {
      const q = now.get(k)!;
      expect(q.x).toBe(p.x);
      if (p.y < bias.y) expect(q.y).toBe(p.y); else shifts.add(q.y - p.y);
    }
    expect([...shifts]).toEqual([bias.height + 30]);
    checkGeometry(after, l);
  });

  it('a delete keeps every remaining node where it was', () => {
    const deleted = deleteLayer(spec, { index: 1 });
    const after = view(deleted);
    const l = updateLayout({ view: before, layout: laid }, after);
    expect(l.mode).toBe('incremental');
    const old = new Map(before.items.filter((i) => i.node).map((i) => [`${i.node!.kind}:${i.node!.label}`, laid.placements.get(i.id)!]));
    for (const it of after.items) expect(l.placements.get(it.id)).toEqual(old.get(`${it.node!.kind}:${it.node!.label}`));
  });
});
