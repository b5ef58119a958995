// The tab bar: one tab per open document (name, a dot for unsaved changes, close), dragged to
// reorder; and the way into the pipeline editor.
import { useState } from 'react';
import { pipelineKindOf } from '../../../shared/surgery';
import { useDocumentStore } from '../store/documentStore';
import { activateTab, closeTabAsking, moveTab, useTabs } from '../store/workspace';
import { usePipelineUi } from './pipelineUi';
import './workspace.css';

/** A tab being dragged (onto the pipeline editor, to make it a stage) carries its key. */
export const TAB_DRAG_TYPE = 'application/x-mlsurgeon-tab';

export function TabBar() {
  const tabs = useTabs();
  const isPipeline = useDocumentStore((s) => !!(s.document && pipelineKindOf(s.document.spec)));
  const panel = usePipelineUi((s) => s.panel);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  if (tabs.length === 0) return null;
  return (
    <div className="tab-bar" role="tablist" data-testid="tab-bar">
      {tabs.map((t, i) => (
        <div
          key={t.key}
          role="tab"
          aria-selected={t.active}
          className={`doc-tab${t.active ? ' active' : ''}${t.dirty ? ' dirty' : ''}`}
          data-testid="doc-tab"
          data-name={t.name}
          title={t.name}
          draggable
          onDragStart={(e) => { setDragFrom(i); e.dataTransfer.setData(TAB_DRAG_TYPE, String(t.key)); e.dataTransfer.effectAllowed = 'move'; }}
          onDragOver={(e) => { if (dragFrom !== null) { e.preventDefault(); e.stopPropagation(); } }}
          onDrop={(e) => { if (dragFrom !== null) { e.preventDefault(); e.stopPropagation(); moveTab(dragFrom, i); setDragFrom(null); } }}
          onDragEnd={() => setDragFrom(null)}
          onMouseDown={(e) => { if (e.button === 0) activateTab(t.store); }}
          onAuxClick={(e) => { if (e.button === 1) closeTabAsking(t.store); }}
        >
          <span className="doc-tab-name">{t.name}</span>
          {t.dirty && <span className="doc-tab-dirty" aria-label="unsaved changes" data-testid="doc-tab-dirty">●</span>}
          <button
            className="doc-tab-close icon-button" aria-label={`Close ${t.name}`} data-testid="doc-tab-close"
            onMouseDown={(e) => e.stopPropagation()}
            onClick={() => closeTabAsking(t.store)}
          >×</button>
        </div>
      ))}
      <div className="tab-bar-actions">
        {isPipeline && (
          <button data-testid="edit-pipeline" className={panel === 'edit' ? 'active' : ''}
            onClick={() => usePipelineUi.getState().setPanel(panel === 'edit' ? null : 'edit')}>Pipeline stages</button>
        )}
        <button data-testid="new-pipeline" onClick={() => usePipelineUi.getState().setPanel('create')}>New pipeline…</button>
        <button data-testid="open-builder-decoder-toolbar" title="Build an SSD anchor decoder model" onClick={() => usePipelineUi.getState().setBuilder('decoder')}>Decoder…</button>
        <button data-testid="open-builder-nms-toolbar" title="Add NonMaximumSuppression after the active model" onClick={() => usePipelineUi.getState().setBuilder('nms')}>NMS…</button>
        <button data-testid="open-builder-detector" title="SSD network + anchor decoder + NMS in one pipeline" onClick={() => usePipelineUi.getState().setBuilder('detector')}>Detector…</button>
      </div>
    </div>
  );
}
