// Messages between the UI thread and the decode worker (decode.worker.ts).
import type { PackageContents } from '../../../shared/format/mlpackage';
import type { ModelGraph } from '../../../shared/graph/types';
import type { InspectResult } from '../../../shared/inspect/inspect';
import type { ShapeResult } from '../../../shared/shapes';
import type { Diagnostic } from '../../../shared/validate';
import type { TransferableModel } from '../../../shared/io/document';

export type DecodeRequest =
  | { readonly type: 'open'; readonly requestId: number; readonly docId: number; readonly name: string; readonly input: Uint8Array | PackageContents; readonly foldConstants: boolean }
  | { readonly type: 'graph'; readonly requestId: number; readonly docId: number; readonly foldConstants: boolean }
  | { readonly type: 'release'; readonly keep: readonly number[] };

/**
 * The first reply to an open: enough to draw the graph. The model panel's facts and the findings
 * follow in a second reply (OpenedAnalysis), computed while the window lays the graph out.
 */
export interface OpenedSummary {
  /** The decoded document; the UI thread adopts it with fromTransferable (no second decode). */
  readonly document: TransferableModel;
  readonly graph: ModelGraph;
  readonly warnings: readonly string[];
  readonly decodeMs: number;
  readonly graphMs: number;
}

export interface OpenedAnalysis {
  readonly inspect: InspectResult;
  readonly diagnostics: readonly Diagnostic[];
  readonly validationFailure?: string;
  /** Inferred once in the worker; the window's canvas labels and later edits' checks reuse them. */
  readonly shapes?: ShapeResult;
  /** Shape inference, the model panel's facts and validation, in the worker. */
  readonly analysisMs: number;
}

export type DecodeResponse =
  | { readonly type: 'opened'; readonly requestId: number; readonly result: OpenedSummary }
  | { readonly type: 'analysis'; readonly requestId: number; readonly result: OpenedAnalysis }
  | { readonly type: 'graph'; readonly requestId: number; readonly graph: ModelGraph; readonly graphMs: number }
  | {
    readonly type: 'error'; readonly requestId: number;
    /** 'read': the input is not a readable model (ModelReadError); 'internal': a bug of ours. */
    readonly kind: 'read' | 'internal';
    readonly reason: string;
  };
