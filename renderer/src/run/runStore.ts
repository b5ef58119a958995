// The Run panel's state: what the user chose as inputs, the run in progress, the last result
// (every blob, kept on this thread for the tensor viewer) and the last comparison. Not part of
// the document or its undo history. Each open document (tab) has its own: switching tabs parks
// the shown one's (runActions.ts) and brings back the other's.
import { create } from 'zustand';
import type { Comparison, FeatureValue, LayerProfile, Tensor } from '../../../shared/executor';
import type { Model } from '../../../shared/format';
import type { DocumentStoreApi } from '../store/documentStore';
import type { Progress } from '../worker/executorClient';
import type { InputChoice } from './inputs';

export type RunStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly what: string; readonly progress: Progress | null }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'cancelled' };

export interface RunRecord {
  /** The spec that ran and the revision it was (results of an earlier revision stay shown, marked). */
  readonly spec: Model;
  readonly revisionSeq: number;
  readonly inputs: ReadonlyMap<string, FeatureValue>;
  readonly outputs: ReadonlyMap<string, FeatureValue>;
  readonly blobs: ReadonlyMap<string, Tensor>;
  readonly profile: readonly LayerProfile[];
  readonly ms: number;
  readonly decodeMs: number;
  readonly stopAfter?: string;
}

/**
 * What this document (B) is compared with (A, the reference): the revision its history starts at,
 * another open document (its current revision), or a model file read from disk for the purpose.
 */
export type CompareTarget =
  | { readonly kind: 'history' }
  | { readonly kind: 'tab'; readonly store: DocumentStoreApi }
  | { readonly kind: 'file'; readonly name: string; readonly spec: Model; readonly fileBytes: number };

/** One side of a comparison. */
export interface CompareVersion {
  /** "SqueezeNetInt8LUT.mlmodel", "Open SqueezeNet.mlmodel". */
  readonly label: string;
  /** The revision it is, when there is one ("Convert weights to fp16"). */
  readonly detail?: string;
  readonly spec: Model;
  /** Its revision in this window, for telling a stale result. */
  readonly revisionSeq?: number;
  /** The size of the .mlmodel (or every file of the package) it is, or would be saved as. */
  readonly fileBytes: number;
}

export interface CompareRecord {
  readonly comparison: Comparison;
  readonly ms: number;
  /** The reference. */
  readonly a: CompareVersion;
  /** This document. */
  readonly b: CompareVersion;
  readonly inputSets: number;
}

export type RunTab = 'run' | 'compare';
export type ListTab = 'blobs' | 'profile';

interface RunState {
  readonly open: boolean;
  readonly height: number;
  readonly tab: RunTab;
  readonly listTab: ListTab;
  /** The document the choices and results belong to. */
  readonly docId: number | null;
  readonly choices: ReadonlyMap<string, InputChoice>;
  readonly status: RunStatus;
  readonly result: RunRecord | null;
  readonly selectedBlob: string | null;
  readonly compareStatus: RunStatus;
  readonly compare: CompareRecord | null;
  readonly compareWith: CompareTarget;
  /** Random input sets a comparison adds to the chosen inputs (seeds 1…N). */
  readonly extraSets: number;
  setOpen(open: boolean): void;
  setHeight(height: number): void;
  setTab(tab: RunTab): void;
  setListTab(tab: ListTab): void;
  setChoice(name: string, choice: InputChoice): void;
  setStatus(status: RunStatus): void;
  setResult(result: RunRecord): void;
  selectBlob(name: string | null): void;
  setCompareStatus(status: RunStatus): void;
  setCompare(compare: CompareRecord): void;
  setCompareWith(target: CompareTarget): void;
  setExtraSets(n: number): void;
  /** Another document is shown: its own choices and results (`parked` when it was shown before), or none. */
  switchTo(docId: number | null, parked?: ParkedRun): void;
}

/** What a document's Run panel holds while another tab is shown. */
export type ParkedRun = Pick<RunState, 'choices' | 'result' | 'selectedBlob' | 'compare' | 'compareWith' | 'extraSets'>;

export const parkRun = (s: RunState): ParkedRun => ({ choices: s.choices, result: s.result, selectedBlob: s.selectedBlob, compare: s.compare, compareWith: s.compareWith, extraSets: s.extraSets });

const HISTORY: CompareTarget = { kind: 'history' };

export const useRunStore = create<RunState>()((set) => ({
  open: false,
  height: 380,
  tab: 'run',
  listTab: 'blobs',
  docId: null,
  choices: new Map(),
  status: { kind: 'idle' },
  result: null,
  selectedBlob: null,
  compareStatus: { kind: 'idle' },
  compare: null,
  compareWith: HISTORY,
  extraSets: 0,
  setOpen: (open) => set({ open }),
  setHeight: (height) => set({ height }),
  setTab: (tab) => set({ tab, open: true }),
  setListTab: (listTab) => set({ listTab }),
  setChoice: (name, choice) => set((s) => {
    const choices = new Map(s.choices);
    choices.set(name, choice);
    return { choices };
  }),
  setStatus: (status) => set({ status }),
  setResult: (result) => set((s) => ({
    result,
    status: { kind: 'idle' },
    // The blob being looked at stays when the new run has it too.
    selectedBlob: s.selectedBlob && (result.blobs.has(s.selectedBlob) || result.outputs.has(s.selectedBlob)) ? s.selectedBlob : null,
  })),
  selectBlob: (selectedBlob) => set({ selectedBlob }),
  setCompareStatus: (compareStatus) => set({ compareStatus }),
  setCompare: (compare) => set({ compare, compareStatus: { kind: 'idle' } }),
  setCompareWith: (compareWith) => set({ compareWith }),
  setExtraSets: (extraSets) => set({ extraSets }),
  switchTo: (docId, parked) => set({
    docId, status: { kind: 'idle' }, compareStatus: { kind: 'idle' },
    ...(parked ?? { choices: new Map(), result: null, selectedBlob: null, compare: null, compareWith: HISTORY, extraSets: 0 }),
  }),
}));
