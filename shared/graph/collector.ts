// The mutable side of buildGraph: nodes, edges and groups collected while walking a spec, with
// ids derived from spec paths so the same spec always yields the same ids.
import { formatPath, type PathStep } from '../format';
import type { GraphEdge, GraphGroup, GraphNode } from './types';

/** Where a blob or feature comes from: a node and the index of the value in its outputs. */
export interface Producer {
  readonly node: string;
  readonly index: number;
  /**
   * The blob the producer emits, when it differs from the name the consumer asks for: a
   * classifier's predicted label is derived from the probabilities blob, not produced under its
   * own name.
   */
  readonly blob?: string;
}

/** Blob or feature name → its producers (more than one after a branch: one per path taken). */
export type Scope = Map<string, readonly Producer[]>;

export const nodeId = (path: readonly PathStep[]): string => formatPath(path);

/** Groups get their own prefix: renderers draw groups as parent nodes, in one id space with nodes. */
export const groupId = (path: readonly PathStep[]): string => `group:${formatPath(path)}`;

export class GraphCollector {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly groups: GraphGroup[] = [];

  addNode(node: GraphNode): void {
    this.nodes.push(node);
  }

  addGroup(group: GraphGroup): void {
    this.groups.push(group);
  }

  /** One edge per producer, from each producer to input `targetIndex` of `target`. */
  connect(producers: readonly Producer[] | undefined, target: string, targetIndex: number, blob: string, path: readonly PathStep[]): void {
    for (const p of producers ?? []) {
      this.edges.push({
        // Source and target ids come from spec paths; the indexes tell apart a layer that reads
        // the same blob twice (add x, x) or a node with several outputs feeding one consumer.
        id: `${p.node}[${p.index}]->${target}[${targetIndex}]`,
        source: p.node,
        target,
        blob: p.blob ?? blob,
        sourceIndex: p.index,
        targetIndex,
        path,
      });
    }
  }
}
