// Edits as the UI makes them: every change is a named surgery operation applied to the current
// revision's spec and committed as a new revision (one undo step). A refused operation changes
// nothing and says why in a toast, with a way out when there is one. An edit that would bring in
// validation errors is refused too, with those errors listed and an explicit "Apply anyway" whose
// history entry says it was forced.
import type { Model } from '../../shared/format/schema/types.generated';
import type { Diagnostic } from '../../shared/validate';
import { nodeId } from '../../shared/graph/collector';
import { insertLayer } from '../../shared/surgery/layers';
import { SurgeryError } from '../../shared/surgery/errors';
import { applyOperation, OPERATIONS, type OperationArgs, type OperationName } from '../../shared/surgery/operations';
import { edgeAfter, planDelete, planInsert, planRename, planRewire, type Planned } from './document/editTargets';
import { introducedErrors } from './document/introducedErrors';
import { analysisOf, useDocumentStore, type ModelDocument } from './store/documentStore';
import { useViewStore, type ToastAction } from './store/viewStore';

export function refuse(title: string, reason: string, actions?: readonly ToastAction[]): void {
  useViewStore.getState().showToast({ kind: 'refused', title, message: reason, ...(actions ? { actions } : {}) });
}

function failureReason(e: unknown): string {
  if (e instanceof SurgeryError) return e.reason;
  console.error(e);
  return `internal error: ${(e as Error).message ?? String(e)}`;
}

/**
 * Applies an operation to the current document as one undoable revision. Returns false when it
 * was refused (the toast says why, titled `title` or the operation's label) or changed nothing.
 */
export function runOperation<K extends OperationName>(
  name: K, args: OperationArgs[K],
  options: { title?: string; refusalActions?: (reason: string) => readonly ToastAction[] | undefined } = {},
): boolean {
  const doc = useDocumentStore.getState().document;
  if (!doc) return false;
  let result;
  try {
    result = applyOperation(doc.spec, name, args);
  } catch (e) {
    const reason = failureReason(e);
    refuse(options.title ?? OPERATIONS[name].label(args), reason, options.refusalActions?.(reason));
    return false;
  }
  if (result.spec === doc.spec) return false;
  return commitChecked(doc, result.spec, result.applied.label);
}

/** Commits a spec an operation already produced from `base` (a dialog that previewed its effect). */
export function commitPrepared(base: Model, spec: Model, label: string): boolean {
  const doc = useDocumentStore.getState().document;
  if (!doc || doc.spec !== base || spec === base) return false;
  return commitChecked(doc, spec, label);
}

/** The validation errors `spec` has that the document's current revision does not. */
export function errorsIntroduced(doc: ModelDocument, spec: Model): Diagnostic[] {
  return introducedErrors(doc.diagnostics, analysisOf(spec, doc).diagnostics);
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The history label of an edit applied in spite of the errors it brings in. */
export function forcedLabel(label: string, errors: number): string {
  return `${label} (applied anyway with ${plural(errors, 'validation error')})`;
}

/**
 * Commits `spec` as the next revision of `doc` unless it brings in validation errors. Then
 * nothing changes: a toast lists the errors and offers "Apply anyway", which commits the same
 * spec under a label that says so, provided the document is still at the revision it was
 * checked against. `then` runs after a commit either way (selecting an inserted layer).
 */
export function commitChecked(doc: ModelDocument, spec: Model, label: string, then?: () => void): boolean {
  const introduced = errorsIntroduced(doc, spec);
  const store = useDocumentStore.getState();
  if (introduced.length === 0) {
    store.commit(spec, label);
    useViewStore.getState().dismissToast();
    then?.();
    return true;
  }
  const base = doc.revision;
  useViewStore.getState().showToast({
    kind: 'refused',
    title: label,
    message: `it would bring in ${plural(introduced.length, 'validation error')}:`,
    diagnostics: introduced,
    actions: [{
      label: 'Apply anyway',
      testId: 'apply-anyway',
      run: () => {
        const current = useDocumentStore.getState();
        // Checked against `base`; on any other revision it would be a different edit.
        if (current.revision !== base) return;
        current.commit(spec, forcedLabel(label, introduced.length));
        then?.();
      },
    }],
  });
  return false;
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
  const title = `Insert ${type}`;
  if ('refused' in plan) { refuse(title, plan.refused); return false; }
  if (plan.op.name !== 'insertLayer') return false;
  const args = plan.op.args;
  let inserted;
  try {
    // Called directly rather than through applyOperation for the new layer's path.
    inserted = insertLayer(doc.spec, args);
  } catch (e) {
    refuse(OPERATIONS.insertLayer.label(args), failureReason(e));
    return false;
  }
  // Selected once in; the canvas keeps it in view once the new layout lands.
  return commitChecked(doc, inserted.spec, OPERATIONS.insertLayer.label(args), () => useViewStore.getState().select(nodeId(inserted.layerPath)));
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
