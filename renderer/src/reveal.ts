// Bringing a graph element into view from outside the canvas (the Problems list, the model
// panel): expand the groups that hide it, select it, centre it once its layout has landed.
import { enclosingGroups } from './canvas/search';
import { useDocumentStore } from './store/documentStore';
import { useViewStore } from './store/viewStore';

export function revealElement(id: string): void {
  const doc = useDocumentStore.getState().document;
  if (!doc) return;
  const view = useViewStore.getState();
  view.expand(enclosingGroups(doc.graph, id));
  view.select(id);
  view.requestCenter(id);
}
