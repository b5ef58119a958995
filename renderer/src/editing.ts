// Edits as the UI makes them: every change is a named surgery operation applied to the current
// revision's spec and committed as a new revision (one undo step). A refused operation changes
// nothing and says why in a toast, with a way out when there is one. An edit that would bring in
// validation errors is refused too, as the CLI refuses it without --force: the errors are listed
// and "Apply anyway" applies it, with a history entry that says so.
import type { Model } from '../../shared/format';
import { nodeId } from '../../shared/graph';
import {
  EditIntroducesErrors, SurgeryError, applyOperation, applyOperationChecked, insertLayer, operationLabel,
  type CheckedOperation, type OperationArgs, type OperationName,
} from '../../shared/surgery';
import { edgeAfter, planDelete, planInsert, planRename, planRewire, type Planned } from './document/editTargets';
import { useDocumentStore } from './store/documentStore';
import { useViewStore, type ToastAction } from './store/viewStore';

export function refuse(title: string, reason: string, actions?: readonly ToastAction[]): void {
  useViewStore.getState().showToast({ kind: 'refused', title, message: reason, ...(actions ? { actions } : {}) });
}

function failureReason(e: unknown): string {
  if (e instanceof SurgeryError) return e.reason;
  console.error(e);
  return `internal error: ${(e as Error).message ?? String(e)}`;
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

export interface RunOptions {
  /** Title of the refusal toast when the operation refuses its arguments (else its label). */
  readonly title?: string;
  /** A way out offered with a refusal ("Delete with its dangling inputs"). */
  readonly refusalActions?: (reason: string) => readonly ToastAction[] | undefined;
  /** Runs once the edit is in, also when it goes in through "Apply anyway" (select a new layer). */
  readonly then?: () => void;
}

/**
 * Applies an operation to the current document as one undoable revision, checked the way the CLI
 * checks it (shared/surgery/checked.ts). Returns false when it was refused or changed nothing:
 * refused arguments are explained in a toast; an edit that would bring in validation errors lists
 * them and offers "Apply anyway", recorded in the history with a label that says so.
 */
export function runOperation<K extends OperationName>(name: K, args: OperationArgs[K], options: RunOptions = {}): boolean {
  const doc = useDocumentStore.getState().document;
  if (!doc) return false;
  let result: CheckedOperation<K>;
  try {
    result = applyOperationChecked(doc.spec, name, args);
  } catch (e) {
    if (e instanceof EditIntroducesErrors) {
      offerForced(doc.spec, e, options.then);
      return false;
    }
    const reason = failureReason(e);
    refuse(options.title ?? operationLabel(doc.spec, name, args), reason, options.refusalActions?.(reason));
    return false;
  }
  if (result.spec === doc.spec) return false;
  useDocumentStore.getState().commit(result.spec, result.applied.label);
  useViewStore.getState().dismissToast();
  reportSideEffects(result);
  options.then?.();
  return true;
}

/**
 * The refusal of an edit that would bring in validation errors: the errors, and "Apply anyway",
 * which commits what forcing gives, provided the document is still at the revision it was
 * checked against (on any other one it would be a different edit).
 */
function offerForced(base: Model, e: EditIntroducesErrors, then?: () => void): void {
  const forced = e.result;
  useViewStore.getState().showToast({
    kind: 'refused',
    title: operationLabel(base, forced.applied.name, forced.applied.args as never),
    message: `it would bring in ${plural(e.introduced.length, 'validation error')}:`,
    diagnostics: e.introduced,
    actions: [{
      label: 'Apply anyway',
      testId: 'apply-anyway',
      run: () => {
        const current = useDocumentStore.getState();
        if (current.document?.spec !== base) return;
        current.commit(forced.spec, forced.applied.label);
        reportSideEffects(forced);
        then?.();
      },
    }],
  });
}

/**
 * What an applied edit did besides itself, said at once rather than left for the Problems list:
 * warnings it brought in (a classifier's probabilities no longer from a softmax, a layer nothing
 * reads) and a raise of the specification version, with the reasons.
 */
function reportSideEffects(result: CheckedOperation): void {
  const raise = result.versionRaise;
  const warnings = result.newWarnings;
  if (!raise && warnings.length === 0) return;
  const parts: string[] = [];
  if (raise) parts.push(`Specification version raised ${raise.from} → ${raise.to}: ${raise.reasons.join('; ')}.`);
  if (warnings.length) parts.push(`It brings in ${plural(warnings.length, 'warning')}:`);
  useViewStore.getState().showToast({
    kind: 'done', title: result.applied.label, message: parts.join(' '),
    ...(warnings.length ? { diagnostics: warnings } : {}),
  });
}

export function runPlanned(p: Planned, what: string): boolean {
  if ('refused' in p) { refuse(what, p.refused); return false; }
  return runOperation(p.op.name, p.op.args as never, { title: what });
}

export function undo(steps = 1): void {
  const t = useDocumentStore.temporal.getState();
  if (t.pastStates.length) t.undo(Math.min(steps, t.pastStates.length));
}

export function redo(steps = 1): void {
  const t = useDocumentStore.temporal.getState();
  if (t.futureStates.length) t.redo(Math.min(steps, t.futureStates.length));
}

/** Moves through the history to entry `index` (0 = the oldest kept revision). */
export function jumpTo(index: number): void {
  const current = useDocumentStore.temporal.getState().pastStates.length;
  if (index < current) undo(current - index);
  else if (index > current) redo(index - current);
}

/** The graph edges a canvas edge stands for (a merged canvas edge carries several). */
function graphEdgeIds(viewEdgeId: string): string[] {
  const doc = useDocumentStore.getState().document;
  if (!doc) return [];
  if (doc.graph.edges.some((e) => e.id === viewEdgeId)) return [viewEdgeId];
  // A merged edge's id is "source=>target" (canvas/viewGraph.ts).
  const [source, target] = viewEdgeId.split('=>');
  return doc.graph.edges.filter((e) => e.source === source && e.target === target).map((e) => e.id);
}

/** Inserts a layer of `type` on a canvas edge, then selects the new layer. */
export function insertOnEdge(viewEdgeId: string, type: string): boolean {
  const doc = useDocumentStore.getState().document;
  if (!doc) return false;
  const edgeId = graphEdgeIds(viewEdgeId)[0];
  const plan = edgeId ? planInsert(doc.graph, edgeId, type) : { refused: 'that connection is no longer in the model' };
  if ('refused' in plan) { refuse(`Insert ${type}`, plan.refused); return false; }
  if (plan.op.name !== 'insertLayer') return false;
  const args = plan.op.args;
  const base = doc.spec;
  return runOperation('insertLayer', args, {
    // Selected once in (insertLayer is pure: the same call says where the layer went); the
    // canvas keeps it in view once the new layout lands.
    then: () => useViewStore.getState().select(nodeId(insertLayer(base, args).layerPath)),
  });
}

/** Delete (the key, or the context menu) on a node; offers deleting dangling inputs when that is what it takes. */
export function deleteNode(id: string): boolean {
  const doc = useDocumentStore.getState().document;
  const node = doc?.graph.nodes.find((n) => n.id === id);
  if (!doc || !node) return false;
  const plan = planDelete(node);
  if ('refused' in plan) { refuse(`Delete ${node.label}`, plan.refused); return false; }
  const withDangling = planDelete(node, true);
  const ok = runOperation(plan.op.name, plan.op.args as never, {
    title: `Delete ${node.label}`,
    refusalActions: () => {
      if (!('op' in withDangling)) return undefined;
      // Offered only when it would succeed: the layer's outputs are read by nothing.
      try { applyOperation(doc.spec, withDangling.op.name, withDangling.op.args as never); } catch { return undefined; }
      return [{ label: 'Delete with its dangling inputs', testId: 'delete-dangling', run: () => { if (runPlanned(withDangling, `Delete ${node.label}`)) useViewStore.getState().select(null); } }];
    },
  });
  if (ok) useViewStore.getState().select(null);
  return ok;
}

export function renameNode(id: string, to: string): boolean {
  const doc = useDocumentStore.getState().document;
  const node = doc?.graph.nodes.find((n) => n.id === id);
  if (!doc || !node) return false;
  if (to === node.label) return false;
  return runPlanned(planRename(node, to), `Rename ${node.label}`);
}

/** Dragging the producer end of an edge onto another node. */
export function rewireEdge(viewEdgeId: string, newSourceId: string): boolean {
  const doc = useDocumentStore.getState().document;
  if (!doc) return false;
  const edgeId = graphEdgeIds(viewEdgeId)[0];
  return runPlanned(edgeId ? planRewire(doc.graph, edgeId, newSourceId) : { refused: 'that connection is no longer in the model' }, 'Rewire');
}

export { graphEdgeIds };

/**
 * Click-to-insert (palette Enter, the Insert key): on the selected edge, or on the first
 * connection out of the selected node.
 */
export function insertAtSelection(type: string): boolean {
  const doc = useDocumentStore.getState().document;
  const view = useViewStore.getState();
  if (!doc) return false;
  if (view.edgeSelection) return insertOnEdge(view.edgeSelection, type);
  if (view.selection) {
    const edge = edgeAfter(doc.graph, view.selection);
    if (edge) return insertOnEdge(edge.id, type);
    refuse(`Insert ${type}`, 'nothing reads the selected node’s output; select a connection instead');
    return false;
  }
  refuse(`Insert ${type}`, 'select a connection (or the layer to insert after), or drag the layer onto a connection');
  return false;
}
