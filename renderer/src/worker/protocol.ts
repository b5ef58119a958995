// Messages between the UI thread and the decode worker (decode.worker.ts).
import type { InspectResult } from '../../../shared/inspect';
import type { ShapeResult } from '../../../shared/shapes';
import type { Diagnostic } from '../../../shared/validate';

/**
 * A file's contents as posted to the worker: the File it was read from when there is one (a
 * handle: the worker reads the file itself), otherwise its bytes (copied by postMessage).
 */
export type PostedBytes = Uint8Array | Blob;

/** A model as posted: one file, or a package's files with each file posted as above. */
export type PostedInput = PostedBytes | { readonly files: ReadonlyMap<string, PostedBytes>; readonly directories: readonly string[] };

export type DecodeRequest =
  | { readonly type: 'analyze'; readonly requestId: number; readonly name: string; readonly input: PostedInput };

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
    /**
     * 'read': the input is not a readable model (ModelReadError); 'source': a posted File could
     * not be read again (changed or removed since); 'internal': a bug of ours.
     */
    readonly kind: 'read' | 'source' | 'internal';
    readonly reason: string;
  };
