// The pipeline editor, a panel over the canvas. "New pipeline": choose open tabs, put them in
// order (drag, or the arrows), choose the kind, make it (it opens in a tab of its own). "Pipeline
// stages" on a pipeline document: its stages with what each reads and writes; move, remove,
// replace with an open tab, extract (opens as its own tab), add an open tab as a stage; the
// mismatches between stages, each with the fixes shared/surgery suggests; and the builders.
import { useMemo, useState } from 'react';
import { modelTypeOf, type FeatureDescription, type Model } from '../../../shared/format';
import { findStageMismatches, PIPELINE_KINDS, pipelineKindOf, pipelineOfModel, type PipelineKind } from '../../../shared/surgery';
import { useDocumentStore, type DocumentStoreApi } from '../store/documentStore';
import { useTabs, type TabSummary } from '../store/workspace';
import { addStageFromTab, createPipelineFromTabs, extractStage, fixMismatch, moveStage, removeStage, replaceStageFromTab } from './pipelineActions';
import { usePipelineUi } from './pipelineUi';
import { TAB_DRAG_TYPE } from './TabBar';

/** The tab a drag from the tab bar carries, if any. */
function draggedTab(e: React.DragEvent, tabs: readonly TabSummary[]): TabSummary | undefined {
  const key = e.dataTransfer.getData(TAB_DRAG_TYPE);
  return key ? tabs.find((t) => String(t.key) === key) : undefined;
}
const carriesTab = (e: React.DragEvent): boolean => [...e.dataTransfer.types].includes(TAB_DRAG_TYPE);

const KIND_LABEL: Readonly<Record<PipelineKind, string>> = { pipeline: 'Pipeline', pipelineClassifier: 'PipelineClassifier', pipelineRegressor: 'PipelineRegressor' };

function shapeText(f: FeatureDescription): string {
  const a = f.type?.multiArrayType;
  if (a) return `(${(a.shape ?? []).map(Number).join(', ')})`;
  const t = f.type ? Object.keys(f.type).find((k) => k !== 'isOptional') : undefined;
  return t ? t.replace(/Type$/, '') : '?';
}
const ioText = (list: readonly FeatureDescription[] | undefined): string => (list ?? []).map((f) => `${f.name} ${shapeText(f)}`).join(', ') || '—';

/** An ordered list that can be reordered by dragging an item or with its arrows. */
function useDragOrder(move: (from: number, to: number) => void) {
  const [from, setFrom] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  return {
    over,
    itemProps: (i: number) => ({
      draggable: true,
      onDragStart: (e: React.DragEvent) => { setFrom(i); e.dataTransfer.setData('application/x-mlsurgeon-stage', String(i)); e.dataTransfer.effectAllowed = 'move'; },
      onDragOver: (e: React.DragEvent) => { if (from !== null) { e.preventDefault(); e.stopPropagation(); setOver(i); } },
      onDrop: (e: React.DragEvent) => { if (from !== null) { e.preventDefault(); e.stopPropagation(); if (from !== i) move(from, i); } setFrom(null); setOver(null); },
      onDragEnd: () => { setFrom(null); setOver(null); },
    }),
  };
}

function CreatePipeline() {
  const tabs = useTabs();
  const [chosen, setChosen] = useState<DocumentStoreApi[]>([]);
  const [kind, setKind] = useState<PipelineKind>('pipeline');
  const [name, setName] = useState('Pipeline');
  const [error, setError] = useState<string | null>(null);
  const live = chosen.filter((s) => tabs.some((t) => t.store === s));
  const byStore = new Map(tabs.map((t) => [t.store, t] as const));
  const move = (from: number, to: number): void => {
    const next = [...live];
    const [s] = next.splice(from, 1);
    next.splice(to, 0, s);
    setChosen(next);
  };
  const drag = useDragOrder(move);
  const toggle = (t: TabSummary): void => setChosen(live.includes(t.store) ? live.filter((s) => s !== t.store) : [...live, t.store]);
  return (
    <div data-testid="pipeline-create"
      onDragOver={(e) => { if (carriesTab(e)) { e.preventDefault(); e.stopPropagation(); } }}
      onDrop={(e) => { const t = draggedTab(e, tabs); if (t) { e.preventDefault(); e.stopPropagation(); if (!live.includes(t.store)) setChosen([...live, t.store]); } }}>
      <h4>Open models</h4>
      <ul className="stage-list">
        {tabs.map((t) => (
          <li key={t.key} className="stage-item">
            <label className="toggle">
              <input type="checkbox" checked={live.includes(t.store)} onChange={() => toggle(t)} data-testid="pipeline-choose" data-name={t.name} />
              <span>{t.name}</span>
            </label>
            <span className="stage-io">{t.modelType ?? ''}</span>
          </li>
        ))}
      </ul>
      <h4>Stages, in order (drag to reorder; drop a tab here to add it)</h4>
      {live.length === 0 ? <div className="stage-io">Tick the models to chain.</div> : (
        <ol className="stage-list" data-testid="pipeline-order">
          {live.map((s, i) => {
            const t = byStore.get(s)!;
            const d = s.getState().document;
            return (
              <li key={t.key} className={`stage-item${drag.over === i ? ' drag-over' : ''}`} data-testid="pipeline-order-item" data-name={t.name} {...drag.itemProps(i)}>
                <span className="stage-index">{i + 1}</span>
                <div className="stage-main">
                  <div className="stage-name">{t.name}</div>
                  <div className="stage-io">{ioText(d?.spec.description?.input)} → {ioText(d?.spec.description?.output)}</div>
                </div>
                <button aria-label={`Move ${t.name} up`} data-testid="order-up" disabled={i === 0} onClick={() => move(i, i - 1)}>↑</button>
                <button aria-label={`Move ${t.name} down`} data-testid="order-down" disabled={i === live.length - 1} onClick={() => move(i, i + 1)}>↓</button>
              </li>
            );
          })}
        </ol>
      )}
      <div className="pipeline-row">
        <label>Kind <select value={kind} onChange={(e) => setKind(e.target.value as PipelineKind)} data-testid="pipeline-kind">
          {PIPELINE_KINDS.map((k) => <option key={k} value={k}>{KIND_LABEL[k]}</option>)}
        </select></label>
        <label>Name <input type="text" value={name} onChange={(e) => setName(e.target.value)} data-testid="pipeline-name" /></label>
      </div>
      {error && <div className="pipeline-error" data-testid="pipeline-error">{error}</div>}
      <div className="pipeline-row">
        <button className="primary" data-testid="pipeline-make" disabled={live.length < 2}
          onClick={() => {
            const err = createPipelineFromTabs(live, { kind, name });
            setError(err);
            if (!err) usePipelineUi.getState().setPanel('edit');
          }}>Make pipeline</button>
      </div>
    </div>
  );
}

function StageRow(props: { spec: Model; index: number; count: number; name?: string; tabs: readonly TabSummary[]; drag: ReturnType<typeof useDragOrder> }) {
  const { spec, index, count, tabs } = props;
  const [replacing, setReplacing] = useState(false);
  return (
    <li className={`stage-item${props.drag.over === index ? ' drag-over' : ''}`} data-testid="pipeline-stage" {...props.drag.itemProps(index)}>
      <span className="stage-index">{index + 1}</span>
      <div className="stage-main">
        <div className="stage-name">{props.name ? `${props.name} · ` : ''}{modelTypeOf(spec) ?? 'no model type'}</div>
        <div className="stage-io">{ioText(spec.description?.input)} → {ioText(spec.description?.output)}</div>
        {replacing && (
          <select autoFocus defaultValue="" data-testid="stage-replace-with"
            onChange={(e) => { const t = tabs.find((x) => String(x.key) === e.target.value); if (t) replaceStageFromTab(index, t.store); setReplacing(false); }}
            onBlur={() => setReplacing(false)}>
            <option value="" disabled>Replace with…</option>
            {tabs.filter((t) => !t.active).map((t) => <option key={t.key} value={t.key}>{t.name}</option>)}
          </select>
        )}
      </div>
      <button title="Move up" aria-label={`Move stage ${index + 1} up`} disabled={index === 0} onClick={() => moveStage(index, index - 1)}>↑</button>
      <button title="Move down" aria-label={`Move stage ${index + 1} down`} disabled={index === count - 1} onClick={() => moveStage(index, index + 1)}>↓</button>
      <button title="Replace with an open model" data-testid="stage-replace" onClick={() => setReplacing(true)}>Replace</button>
      <button title="Open this stage as its own document" data-testid="stage-extract" onClick={() => extractStage(index)}>Extract</button>
      <button title="Remove this stage" aria-label={`Remove stage ${index + 1}`} data-testid="stage-remove" disabled={count === 1} onClick={() => removeStage(index)}>×</button>
    </li>
  );
}

function EditPipeline() {
  const spec = useDocumentStore((s) => s.document?.spec);
  const tabs = useTabs();
  const [addWhich, setAddWhich] = useState('');
  const pipeline = spec ? pipelineOfModel(spec) : undefined;
  const mismatches = useMemo(() => (spec && pipeline ? findStageMismatches(spec) : []), [spec, pipeline]);
  const drag = useDragOrder((from, to) => moveStage(from, to));
  if (!spec || !pipeline) return <div className="stage-io">The active document is not a pipeline. Make one with New pipeline…</div>;
  const models = pipeline.models ?? [];
  const kind = pipelineKindOf(spec)!;
  const others = tabs.filter((t) => !t.active);
  return (
    <div data-testid="pipeline-edit"
      onDragOver={(e) => { if (carriesTab(e)) { e.preventDefault(); e.stopPropagation(); } }}
      onDrop={(e) => { const t = draggedTab(e, others); if (t) { e.preventDefault(); e.stopPropagation(); addStageFromTab(t.store, models.length); } }}>
      <div className="stage-io">{KIND_LABEL[kind]} · {models.length} stage{models.length === 1 ? '' : 's'} · inputs {ioText(spec.description?.input)} · outputs {ioText(spec.description?.output)}</div>
      <h4>Stages</h4>
      <ol className="stage-list">
        {models.map((m, i) => (
          <StageRow key={i} spec={m} index={i} count={models.length} tabs={tabs} drag={drag} {...(pipeline.names?.[i] ? { name: pipeline.names[i] } : {})} />
        ))}
      </ol>
      <div className="pipeline-row">
        <select value={addWhich} onChange={(e) => setAddWhich(e.target.value)} data-testid="stage-add-which">
          <option value="">Add an open model as the last stage (or drop its tab here)…</option>
          {others.map((t) => <option key={t.key} value={t.key}>{t.name}</option>)}
        </select>
        <button data-testid="stage-add" disabled={!addWhich} onClick={() => {
          const t = others.find((x) => String(x.key) === addWhich);
          if (t && addStageFromTab(t.store, models.length)) setAddWhich('');
        }}>Add</button>
      </div>
      <h4>Connections {mismatches.length ? `(${mismatches.length} mismatch${mismatches.length === 1 ? '' : 'es'})` : ''}</h4>
      {mismatches.length === 0 ? <div className="stage-io" data-testid="pipeline-no-mismatch">Every stage's inputs match what earlier stages produce.</div> : mismatches.map((m, k) => (
        <div key={k} className="mismatch" data-testid="pipeline-mismatch" data-kind={m.kind}>
          <div>Stage {m.stage + 1}, {m.feature}: {m.message}</div>
          <div className="mismatch-fixes">
            {m.fixes.length === 0 ? <span className="stage-io">No safe fix to suggest; edit the stage's declaration.</span> : m.fixes.map((f, j) => (
              <button key={j} data-testid="pipeline-fix" onClick={() => fixMismatch(f)}>{f.label}</button>
            ))}
          </div>
        </div>
      ))}
      <h4>Add post-processing</h4>
      <div className="pipeline-row">
        <button data-testid="open-builder-decoder" onClick={() => usePipelineUi.getState().setBuilder('decoder')}>Anchor decoder…</button>
        <button data-testid="open-builder-nms" onClick={() => usePipelineUi.getState().setBuilder('nms')}>NonMaximumSuppression…</button>
      </div>
    </div>
  );
}

export function PipelineEditor() {
  const panel = usePipelineUi((s) => s.panel);
  if (!panel) return null;
  return (
    <aside className="pipeline-panel" data-testid="pipeline-panel" aria-label="Pipeline editor">
      <h3>
        <span>{panel === 'create' ? 'New pipeline' : 'Pipeline stages'}</span>
        <button className="icon-button" aria-label="Close the pipeline editor" data-testid="pipeline-panel-close" onClick={() => usePipelineUi.getState().setPanel(null)}>×</button>
      </h3>
      {panel === 'create' ? <CreatePipeline /> : <EditPipeline />}
    </aside>
  );
}
