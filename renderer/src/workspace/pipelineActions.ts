// What the pipeline editor and the builders do, on top of shared/surgery's pipeline operations:
// a stage edit is one undoable revision of the active document, checked as every UI edit is
// (shared/surgery/checked.ts); a new pipeline, an extracted stage or a built detector opens in a
// tab of its own, with the weight files its ML Program stages need (shared packagePipeline).
import { encodeModel, referencedWeightFiles, writePackage, type Model, type PackageContents } from '../../../shared/format';
import {
  EditIntroducesErrors, SurgeryError, addPipelineStage, applyStageFix, checkEdit, createPipeline, extractPipelineStage,
  movePipelineStage, needsPackage, packagePipeline, pipelineOfModel, removePipelineStage, replacePipelineStage,
  type OperationName, type PipelineKind, type StageFix, type StageSource,
} from '../../../shared/surgery';
import { refuse } from '../editing';
import { useDocumentStore, type DocumentStoreApi, type ModelDocument } from '../store/documentStore';
import { openMadeDocument } from '../store/workspace';
import { useViewStore } from '../store/viewStore';

const baseNameOf = (name: string): string => name.replace(/\.(mlmodel|mlpackage)\/?$/i, '');

function reasonOf(e: unknown): string {
  if (e instanceof SurgeryError) return e.reason;
  console.error(e);
  return `internal error: ${(e as Error).message ?? String(e)}`;
}

/** The file or package a model made here is saved as: a package when an ML Program stage refers to weight files. */
export function madeDocumentInput(name: string, spec: Model, sources: readonly StageSource[]): { name: string; input: Uint8Array | PackageContents } {
  const base = baseNameOf(name);
  if (!needsPackage(spec)) return { name: `${base}.mlmodel`, input: encodeModel(spec) };
  if (pipelineOfModel(spec)) return { name: `${base}.mlpackage`, input: packagePipeline(spec, sources).contents };
  const pkg = sources.find((s) => s.package)?.package;
  if (!pkg) throw new SurgeryError(`${base} refers to weight files (${referencedWeightFiles(spec).join(', ')}) but none of its sources is a package`);
  return { name: `${base}.mlpackage`, input: writePackage(pkg, spec) };
}

const sourceOf = (d: ModelDocument): StageSource => ({ spec: d.spec, ...(d.package ? { package: d.package } : {}) });

/** A new pipeline of the chosen tabs' documents, in order, opened in a new tab. Returns an error or null. */
export function createPipelineFromTabs(stores: readonly DocumentStoreApi[], options: { kind: PipelineKind; name: string }): string | null {
  const docs = stores.map((s) => s.getState().document).filter((d): d is ModelDocument => !!d);
  try {
    if (docs.length < 2) throw new SurgeryError('choose at least two open models for a pipeline');
    const spec = createPipeline(docs.map((d) => d.spec), { kind: options.kind });
    const made = madeDocumentInput(options.name || 'Pipeline', spec, docs.map(sourceOf));
    openMadeDocument(made.name, made.input);
    useViewStore.getState().setNotice(`Made ${made.name} from ${docs.map((d) => d.name).join(' → ')}.`);
    return null;
  } catch (e) {
    return reasonOf(e);
  }
}

/**
 * One edit of the active pipeline as an undoable revision. Refused arguments say why in a toast;
 * an edit that brings in validation errors is refused unless the user applies it anyway.
 */
export function runPipelineEdit(label: string, compute: (spec: Model) => Model): boolean {
  const doc = useDocumentStore.getState().document;
  if (!doc) return false;
  let out: Model;
  try {
    out = compute(doc.spec);
  } catch (e) {
    refuse(label, reasonOf(e));
    return false;
  }
  if (out === doc.spec) return false;
  // The pipeline operations are not in the operation table; checkEdit needs only the label.
  const applied = { name: 'pipelineStage' as OperationName, args: {} as never, label };
  try {
    checkEdit(doc.spec, out, applied);
  } catch (e) {
    if (!(e instanceof EditIntroducesErrors)) { refuse(label, reasonOf(e)); return false; }
    const base = doc.spec;
    useViewStore.getState().showToast({
      kind: 'refused', title: label, message: `it would bring in ${e.introduced.length} validation error${e.introduced.length === 1 ? '' : 's'}:`,
      diagnostics: e.introduced,
      actions: [{
        label: 'Apply anyway', testId: 'apply-anyway',
        run: () => {
          const s = useDocumentStore.getState();
          if (s.document?.spec === base) s.commit(out, `${label} (applied despite ${e.introduced.length} validation error${e.introduced.length === 1 ? '' : 's'})`);
        },
      }],
    });
    return false;
  }
  useDocumentStore.getState().commit(out, label);
  useViewStore.getState().dismissToast();
  return true;
}

/** A stage that brings weight files cannot join a document whose package lacks them. */
function checkWeightsAvailable(target: ModelDocument, stage: ModelDocument): void {
  const files = referencedWeightFiles(stage.spec);
  if (!files.length) return;
  if (target.package && stage.package === target.package) return;
  throw new SurgeryError(`${stage.name} refers to weight files (${files.join(', ')}) that this pipeline's file does not hold; make a new pipeline from the open tabs instead (New pipeline…), which copies them`);
}

export function addStageFromTab(store: DocumentStoreApi, index: number): boolean {
  const stage = store.getState().document;
  const target = useDocumentStore.getState().document;
  if (!stage || !target) return false;
  return runPipelineEdit(`Add stage ${stage.name}`, (spec) => {
    checkWeightsAvailable(target, stage);
    return addPipelineStage(spec, { model: stage.spec, index });
  });
}

export function replaceStageFromTab(index: number, store: DocumentStoreApi): boolean {
  const stage = store.getState().document;
  const target = useDocumentStore.getState().document;
  if (!stage || !target) return false;
  return runPipelineEdit(`Replace stage ${index + 1} with ${stage.name}`, (spec) => {
    checkWeightsAvailable(target, stage);
    return replacePipelineStage(spec, { index, model: stage.spec });
  });
}

export const removeStage = (index: number): boolean => runPipelineEdit(`Remove stage ${index + 1}`, (spec) => removePipelineStage(spec, { index }));

export const moveStage = (from: number, to: number): boolean => runPipelineEdit(`Move stage ${from + 1} to ${to + 1}`, (spec) => movePipelineStage(spec, { from, to }));

export const fixMismatch = (fix: StageFix): boolean => runPipelineEdit(fix.label, (spec) => applyStageFix(spec, fix));

/** Opens a stage as a document of its own (with its weight files when it is an ML Program). */
export function extractStage(index: number): void {
  const doc = useDocumentStore.getState().document;
  if (!doc) return;
  try {
    const stage = extractPipelineStage(doc.spec, { index });
    const names = pipelineOfModel(doc.spec)?.names;
    const name = `${baseNameOf(doc.name)}-${names?.[index] || `stage${index + 1}`}`;
    const made = madeDocumentInput(name, stage, [sourceOf(doc)]);
    openMadeDocument(made.name, made.input);
  } catch (e) {
    refuse(`Extract stage ${index + 1}`, reasonOf(e));
  }
}

/** Opens a model built by a builder (decoder, NMS, detector) in a new tab. */
export function openBuilt(name: string, spec: Model, sources: readonly StageSource[] = []): void {
  const made = madeDocumentInput(name, spec, sources);
  openMadeDocument(made.name, made.input);
}

export { sourceOf };
