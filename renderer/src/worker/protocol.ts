// Messages between the UI thread and the decode worker (decode.worker.ts).
import type { PackageContents } from '../../../shared/format';
import type { InspectResult } from '../../../shared/inspect';
import type { ShapeResult } from '../../../shared/shapes';
import type { Diagnostic } from '../../../shared/validate';

export type DecodeRequest =
  | { readonly type: 'analyze'; readonly requestId: number; readonly name: string; readonly input: Uint8Array | PackageContents };

/**
 * What the worker works out about a model while the window draws its graph: the model panel's
 * facts, the findings, and the shapes the canvas labels its edges with.
 */
export interface OpenedAnalysis {
  readonly inspect: InspectResult;
  readonly diagnostics: readonly Diagnostic[];
  readonly validationFailure?: string;
  /** Inferred once in the worker; the window's canvas labels and later edits' checks reuse them. */
  readonly shapes?: ShapeResult;
  /** The worker's own decode of its copy of the bytes. */
  readonly decodeMs: number;
  /** Shape inference, the model panel's facts and validation, in the worker. */
  readonly analysisMs: number;
}

export type DecodeResponse =
  | { readonly type: 'analysis'; readonly requestId: number; readonly result: OpenedAnalysis }
  | {
    readonly type: 'error'; readonly requestId: number;
    /** 'read': the input is not a readable model (ModelReadError); 'internal': a bug of ours. */
    readonly kind: 'read' | 'internal';
    readonly reason: string;
  };
