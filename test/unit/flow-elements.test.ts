// React Flow's edges (renderer/src/canvas/flowElements.ts toEdges). After an edit the canvas
// hands toEdges the edges on screen, and an edge whose every field would come out the same is
// given back as that same object. That reuse must never change what is drawn: on real models,
// after a rename, an insert, a selection, shapes switched on and a group moved, the edges built
// from the previous ones must equal, as data, the edges built from nothing.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArrayFeatureType_ArrayDataType, decodeModel, type FeatureDescription, type Model, type NeuralNetworkLayer } from '../../shared/format';
import { buildGraph } from '../../shared/graph';
import { defaultShapes } from '../../shared/shapes';
import { applyOperation } from '../../shared/surgery';
import type { CanvasEdge } from '../../renderer/src/canvas/BlobEdge';
import { toEdges } from '../../renderer/src/canvas/flowElements';
import { edgeShapeLabels, type ShapeLabel } from '../../renderer/src/canvas/shapeLabels';
import type { LaidGraph } from '../../renderer/src/canvas/useGraphLayout';
import { buildViewGraph } from '../../renderer/src/canvas/viewGraph';
import { dataflowLayout } from '../../renderer/src/layout/dataflowLayout';
import { updateLayout } from '../../renderer/src/layout/incremental';
import type { Placements } from '../../renderer/src/layout/types';
import type { ModelDocument } from '../../renderer/src/store/documentStore';
import { isReadable, manifest, modelPath, sharedPresent } from '../support/shared-data';

interface Laid { readonly laid: LaidGraph; readonly labels: Map<string, ShapeLabel> | null }

function layOut(spec: Model, prev?: LaidGraph): Laid {
  const graph = buildGraph(spec, { foldConstants: true });
  const view = buildViewGraph(graph, new Set());
  const { mode, ...layout } = prev ? updateLayout({ view: prev.view, layout: prev.layout }, view) : { ...dataflowLayout(view), mode: 'full' as const };
  let labels: Map<string, ShapeLabel> | null = null;
  try { labels = edgeShapeLabels(graph, defaultShapes(spec)); } catch { /* shapes cannot be inferred: no labels */ }
  return { laid: { view, doc: { graph, spec } as unknown as ModelDocument, collapsed: new Set(), layout, mode }, labels };
}

/** The edges built from the ones on screen, checked against the same edges built from nothing. */
function rebuilt(what: string, l: LaidGraph, positions: Placements, selection: string | null, labels: Map<string, ShapeLabel> | null, prev: CanvasEdge[]): { edges: CanvasEdge[]; kept: number } {
  const edges = toEdges(l, positions, selection, null, labels, prev);
  expect(edges, what).toEqual(toEdges(l, positions, selection, null, labels));
  const before = new Set(prev);
  return { edges, kept: edges.filter((e) => before.has(e)).length };
}

const models = manifest().filter((m) => isReadable(m) && m.kind === 'mlmodel' && (m.nn_layers ?? 0) > 0);

describe.skipIf(!sharedPresent)('canvas edges kept from the ones on screen', () => {
  it('has neural network models to try', () => expect(models.length).toBeGreaterThanOrEqual(10));

  for (const m of models) {
    it(m.file, () => {
      const spec = decodeModel(new Uint8Array(readFileSync(modelPath(m))));
      const { laid, labels } = layOut(spec);
      const positions = laid.layout.placements;
      const first = toEdges(laid, positions, null, null, labels);
      expect(first.length).toBe(laid.view.edges.length);

      // Nothing changed: the very same array.
      expect(toEdges(laid, positions, null, null, labels, first)).toBe(first);

      // Shapes switched off and on again: every edge's data changes, so none is kept.
      const bare = rebuilt('shapes off', laid, positions, null, null, first);
      if (labels && first.length) expect(bare.kept).toBe(0);
      const shown = rebuilt('shapes on', laid, positions, null, labels, bare.edges);

      // Other shapes for the same edges (as after an edit upstream): every label is redrawn.
      if (labels && first.length) {
        const other = new Map([...labels].map(([k, l]) => [k, { short: `${l.short}'`, full: `${l.full}'` }]));
        expect(rebuilt('other shapes', laid, positions, null, other, first).kept).toBe(0);
      }

      // A node selected: only the edges that touch it change their class.
      const node = laid.view.edges[0]?.target ?? null;
      if (node) {
        const touching = laid.view.edges.filter((e) => e.source === node || e.target === node).length;
        const sel = rebuilt('selection', laid, positions, node, labels, shown.edges);
        expect(sel.kept).toBe(first.length - touching);
      }

      // A group moved: the routes inside it move with it; every other edge is kept.
      const group = laid.view.items.find((it) => it.kind === 'group' && !it.parent);
      if (group) {
        const moved = new Map(positions);
        const p = positions.get(group.id)!;
        moved.set(group.id, { ...p, x: p.x + 40, y: p.y + 10 });
        rebuilt('group moved', laid, moved, null, labels, shown.edges);
      }

      // A rename of the first output: the edges carrying that feature change, the rest are kept.
      const out = spec.description?.output?.[0]?.name;
      if (out) {
        let renamed: Model | undefined;
        try { renamed = applyOperation(spec, 'renameFeature', { from: out, to: `${out}_renamed` }).spec; } catch { /* not renameable here */ }
        if (renamed) {
          const next = layOut(renamed, laid);
          const r = rebuilt('rename', next.laid, next.laid.layout.placements, null, next.labels, shown.edges);
          const carrying = next.laid.view.edges.filter((e) => e.blobs.includes(`${out}_renamed`)).length;
          if (next.laid.mode === 'same') expect(r.kept).toBeGreaterThanOrEqual(first.length - carrying);
        }
      }

      // An insert: every edge is still right whatever the layout did with the rest.
      const blob = laid.view.edges.find((e) => e.edges.length === 1)?.blobs[0];
      if (blob) {
        let inserted: Model | undefined;
        try { inserted = applyOperation(spec, 'insertLayer', { blob, type: 'activation', name: 'inserted_relu', params: { ReLU: {} } }).spec; } catch { /* not insertable here */ }
        if (inserted) {
          const next = layOut(inserted, laid);
          rebuilt('insert', next.laid, next.laid.layout.placements, null, next.labels, shown.edges);
        }
      }
    });
  }
});

/** A pipeline of two networks; the second has a skip connection, so an edge inside its group is routed. */
function pipelineWithSkip(): Model {
  const relu = (name: string, input: string, output: string): NeuralNetworkLayer => ({ name, input: [input], output: [output], activation: { ReLU: {} } });
  const array = (name: string): FeatureDescription => ({ name, type: { multiArrayType: { shape: [1, 4, 8, 8], dataType: ArrayFeatureType_ArrayDataType.FLOAT32 } } });
  return {
    specificationVersion: 4,
    description: { input: [array('x')], output: [array('y')] },
    pipeline: {
      models: [
        { specificationVersion: 4, description: { input: [array('x')], output: [array('h')] }, neuralNetwork: { layers: [relu('first', 'x', 'h')] } },
        {
          specificationVersion: 4,
          description: { input: [array('h')], output: [array('y')] },
          neuralNetwork: { layers: [relu('r1', 'h', 'a'), relu('r2', 'a', 'b'), relu('r3', 'b', 'c'), { name: 'sum', input: ['a', 'c'], output: ['y'], add: {} }] },
        },
      ],
    },
  };
}

describe('canvas edges inside a group', () => {
  it('follow their group when it moves, and only they are rebuilt', () => {
    const { laid, labels } = layOut(pipelineWithSkip());
    const positions = laid.layout.placements;
    const inGroup = [...laid.layout.routes.values()].filter((r) => r.container !== undefined);
    expect(inGroup.length, 'a routed edge inside a group').toBeGreaterThan(0);
    const first = toEdges(laid, positions, null, null, labels);
    const container = inGroup[0].container!;
    const moved = new Map(positions);
    const p = positions.get(container)!;
    moved.set(container, { ...p, x: p.x + 40, y: p.y + 10 });
    const r = rebuilt('group moved', laid, moved, null, labels, first);
    expect(r.kept).toBe(first.length - inGroup.length);
    const route = r.edges.find((e) => !first.includes(e))!.data!.route!;
    const was = first.find((e) => e.id === r.edges.find((x) => !first.includes(x))!.id)!.data!.route!;
    expect(route.map((q, k) => [q.x - was[k].x, q.y - was[k].y])).toEqual(route.map(() => [40, 10]));
  });
});
