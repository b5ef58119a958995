// The builders' dialogs, over shared/surgery's builders: NonMaximumSuppression after the active
// model (an undoable edit of it: a pipeline gains a last stage, any other model becomes the first
// stage of a new pipeline); an anchor decoder, opened as its own tab; and "Detector in one step"
// (the active SSD network + a generated decoder + NMS), opened as a new tab.
import { useState } from 'react';
import type { Model } from '../../../shared/format';
import {
  SSD_NMS_PRESET, SurgeryError, addNmsStage, buildAnchorDecoder, buildSsdDetector, labelsFromModel, parseAnchorsFile,
  parseLabelFile, parsePythonLabelDict, type AnchorArray, type CoordinateOrder,
} from '../../../shared/surgery';
import { Modal } from '../panels/Dialogs';
import { useDocumentStore } from '../store/documentStore';
import { openBuilt, runPipelineEdit, sourceOf } from './pipelineActions';
import { usePipelineUi } from './pipelineUi';

const close = (): void => usePipelineUi.getState().setBuilder(null);
const baseNameOf = (name: string): string => name.replace(/\.(mlmodel|mlpackage)\/?$/i, '');

/** Class labels from a text file: one per line, or a Python dict literal {0: 'person', …}. */
export function parseLabelsText(text: string): string[] {
  return parsePythonLabelDict(text) ?? parseLabelFile(text);
}

const reasonOf = (e: unknown): string => (e instanceof SurgeryError ? e.reason : `internal error: ${(e as Error).message}`);

/** Four numbers; buildAnchorDecoder refuses the values it cannot use, as it does for the CLI. */
function parseScales(text: string): [number, number, number, number] {
  const v = text.split(',').map((x) => (x.trim() === '' ? Number.NaN : Number(x)));
  if (v.length !== 4 || v.some((x) => !Number.isFinite(x))) throw new SurgeryError(`scales: four numbers separated by commas, not "${text}"`);
  return v as [number, number, number, number];
}

function numberIn(text: string, what: string, lo: number, hi: number): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < lo || v > hi) throw new SurgeryError(`${what}: a number from ${lo} to ${hi}, not "${text}"`);
  return v;
}

type LabelSource = 'upstream' | 'file' | 'count';

/** Where the NMS class labels come from, shared by the NMS and detector dialogs. */
function useNmsFields(upstream: Model | undefined) {
  const upstreamLabels = upstream ? labelsFromModel(upstream) : undefined;
  const [iou, setIou] = useState(String(SSD_NMS_PRESET.iouThreshold));
  const [confidence, setConfidence] = useState(String(SSD_NMS_PRESET.confidenceThreshold));
  const [perClass, setPerClass] = useState<boolean>(SSD_NMS_PRESET.perClass);
  const [override, setOverride] = useState<boolean>(SSD_NMS_PRESET.overrideInputs);
  const [labelSource, setLabelSource] = useState<LabelSource>(upstreamLabels ? 'upstream' : 'count');
  const [fileLabels, setFileLabels] = useState<{ name: string; labels: string[] } | null>(null);
  const readLabelsFile = async (f: File | undefined): Promise<void> => {
    if (f) setFileLabels({ name: f.name, labels: parseLabelsText(await f.text()) });
  };
  const [outConfidence, setOutConfidence] = useState('confidence');
  const [outCoordinates, setOutCoordinates] = useState('coordinates');
  const preset = (): void => {
    setIou(String(SSD_NMS_PRESET.iouThreshold)); setConfidence(String(SSD_NMS_PRESET.confidenceThreshold));
    setPerClass(SSD_NMS_PRESET.perClass); setOverride(SSD_NMS_PRESET.overrideInputs);
  };
  const labels = (): string[] | undefined => {
    if (labelSource === 'upstream') return upstreamLabels;
    if (labelSource === 'file') {
      if (!fileLabels) throw new SurgeryError('labels: choose a text file of class labels');
      return fileLabels.labels;
    }
    return undefined;
  };
  const choices = () => ({
    iouThreshold: numberIn(iou, 'IoU threshold', 0, 1),
    confidenceThreshold: numberIn(confidence, 'confidence threshold', 0, 1),
    perClass, overrideInputs: override,
    names: { confidenceOutput: outConfidence, coordinatesOutput: outCoordinates },
    ...(labels() ? { labels: labels()! } : {}),
  });
  const fields = (
    <>
      <label>Preset</label>
      <div><button data-testid="nms-preset-ssd" onClick={preset}>SSD walkthrough (IoU 0.6, confidence 0.4, per class, overridable)</button></div>
      <label htmlFor="nms-iou">IoU threshold</label>
      <input id="nms-iou" type="number" step="0.05" value={iou} onChange={(e) => setIou(e.target.value)} data-testid="nms-iou" />
      <label htmlFor="nms-confidence">Confidence threshold</label>
      <input id="nms-confidence" type="number" step="0.05" value={confidence} onChange={(e) => setConfidence(e.target.value)} data-testid="nms-confidence" />
      <label>Override inputs</label>
      <label className="toggle"><input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} data-testid="nms-override" /> iouThreshold and confidenceThreshold inputs</label>
      <label>Suppression</label>
      <label className="toggle"><input type="checkbox" checked={perClass} onChange={(e) => setPerClass(e.target.checked)} data-testid="nms-per-class" /> per class</label>
      <label>Class labels</label>
      <div>
        <select value={labelSource} onChange={(e) => setLabelSource(e.target.value as LabelSource)} data-testid="nms-label-source">
          <option value="upstream" disabled={!upstreamLabels}>From the model's metadata{upstreamLabels ? ` (${upstreamLabels.length})` : ' (none)'}</option>
          <option value="file">From a text file</option>
          <option value="count">None (class indices)</option>
        </select>
        {labelSource === 'file' && (
          <input type="file" accept=".txt,.json,text/plain" data-testid="nms-labels-file" onChange={(e) => void readLabelsFile(e.target.files?.[0])} />
        )}
        {labelSource === 'file' && fileLabels && <div className="stage-io">{fileLabels.labels.length} labels from {fileLabels.name}</div>}
      </div>
      <label htmlFor="nms-out-confidence">Output names</label>
      <div className="pipeline-row" style={{ margin: 0 }}>
        <input id="nms-out-confidence" type="text" value={outConfidence} onChange={(e) => setOutConfidence(e.target.value)} data-testid="nms-out-confidence" />
        <input type="text" aria-label="coordinates output" value={outCoordinates} onChange={(e) => setOutCoordinates(e.target.value)} data-testid="nms-out-coordinates" />
      </div>
    </>
  );
  return { fields, choices };
}

function NmsBuilder() {
  const doc = useDocumentStore((s) => s.document);
  const outputs = (doc?.spec.description?.output ?? []).filter((o) => o.type?.multiArrayType).map((o) => o.name ?? '');
  const nms = useNmsFields(doc?.spec);
  const [confidenceIn, setConfidenceIn] = useState('');
  const [coordinatesIn, setCoordinatesIn] = useState('');
  const [error, setError] = useState<string | null>(null);
  const apply = (): void => {
    if (!doc) return;
    let choices;
    try { choices = nms.choices(); } catch (e) { setError(reasonOf(e)); return; }
    const ok = runPipelineEdit('Add NonMaximumSuppression', (spec) => addNmsStage({
      model: spec, ...choices,
      ...(confidenceIn ? { confidenceName: confidenceIn } : {}),
      ...(coordinatesIn ? { coordinatesName: coordinatesIn } : {}),
    }));
    if (ok) close();
  };
  return (
    <Modal title="Add NonMaximumSuppression" testId="dialog-nms" onCancel={close}
      footer={<><button onClick={close}>Cancel</button><button className="primary" data-testid="dialog-apply" onClick={apply} disabled={!doc}>Add</button></>}>
      <p className="stage-io">NMS reads the model's decoded scores (boxes × classes) and boxes (boxes × 4). A pipeline gains it as its last stage; any other model becomes the first stage of a new pipeline.</p>
      <div className="builder-grid">
        <label htmlFor="nms-in-confidence">Confidence input</label>
        <select id="nms-in-confidence" value={confidenceIn} onChange={(e) => setConfidenceIn(e.target.value)} data-testid="nms-in-confidence">
          <option value="">Found by shape</option>
          {outputs.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
        <label htmlFor="nms-in-coordinates">Coordinates input</label>
        <select id="nms-in-coordinates" value={coordinatesIn} onChange={(e) => setCoordinatesIn(e.target.value)} data-testid="nms-in-coordinates">
          <option value="">Found by shape</option>
          {outputs.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
        {nms.fields}
      </div>
      {error && <div className="pipeline-error" data-testid="builder-error">{error}</div>}
    </Modal>
  );
}

/** Anchors, order, scales, classes and background: what the decoder and the detector share. */
function useDecoderFields() {
  const [anchors, setAnchors] = useState<{ name: string; array: AnchorArray } | null>(null);
  const [anchorsError, setAnchorsError] = useState<string | null>(null);
  const readAnchorsFile = async (f: File | undefined): Promise<void> => {
    if (!f) return;
    try {
      setAnchors({ name: f.name, array: parseAnchorsFile(f.name, new Uint8Array(await f.arrayBuffer())) });
      setAnchorsError(null);
    } catch (err) {
      setAnchors(null);
      setAnchorsError(reasonOf(err));
    }
  };
  const [order, setOrder] = useState<CoordinateOrder>('yxhw');
  const [scales, setScales] = useState('10,10,5,5');
  const [classes, setClasses] = useState('90');
  const [dropBackground, setDropBackground] = useState(true);
  const values = () => {
    if (!anchors) throw new SurgeryError('anchors: choose a .npy or JSON file of anchor boxes');
    return { anchors: anchors.array, order, scales: parseScales(scales), classes: numberIn(classes, 'classes', 1, 100000), dropBackground };
  };
  const fields = (
    <>
      <label>Anchors (.npy or JSON)</label>
      <div>
        <input type="file" accept=".npy,.json" data-testid="decoder-anchors" onChange={(e) => void readAnchorsFile(e.target.files?.[0])} />
        {anchors && <div className="stage-io" data-testid="decoder-anchors-shape">{anchors.name}: ({anchors.array.shape.join(', ')})</div>}
        {anchorsError && <div className="pipeline-error">{anchorsError}</div>}
      </div>
      <label htmlFor="decoder-order">Coordinate order</label>
      <select id="decoder-order" value={order} onChange={(e) => setOrder(e.target.value as CoordinateOrder)} data-testid="decoder-order">
        <option value="yxhw">y, x, h, w (TensorFlow)</option>
        <option value="xywh">x, y, w, h</option>
      </select>
      <label htmlFor="decoder-scales">Scale factors</label>
      <input id="decoder-scales" type="text" value={scales} onChange={(e) => setScales(e.target.value)} data-testid="decoder-scales" />
      <label htmlFor="decoder-classes">Classes</label>
      <input id="decoder-classes" type="number" value={classes} onChange={(e) => setClasses(e.target.value)} data-testid="decoder-classes" />
      <label>Background</label>
      <label className="toggle"><input type="checkbox" checked={dropBackground} onChange={(e) => setDropBackground(e.target.checked)} data-testid="decoder-drop-background" /> the scores' first row is "no object": drop it</label>
    </>
  );
  return { fields, values };
}

function DecoderBuilder() {
  const decoder = useDecoderFields();
  const [scores, setScores] = useState('scores');
  const [boxes, setBoxes] = useState('boxes');
  const [error, setError] = useState<string | null>(null);
  const apply = (): void => {
    try {
      const spec = buildAnchorDecoder({ ...decoder.values(), scoresName: scores, boxesName: boxes });
      openBuilt('AnchorDecoder', spec);
      close();
    } catch (e) { setError(reasonOf(e)); }
  };
  return (
    <Modal title="Build an anchor decoder" testId="dialog-decoder" onCancel={close}
      footer={<><button onClick={close}>Cancel</button><button className="primary" data-testid="dialog-apply" onClick={apply}>Build</button></>}>
      <p className="stage-io">A NeuralNetwork (permute, slice, multiply, loadConstant, add, exp, concat) that turns SSD scores and box offsets into raw_confidence (N, classes) and raw_coordinates (N, 4) in x, y, w, h. It opens as its own tab, ready to add as a stage.</p>
      <div className="builder-grid">
        {decoder.fields}
        <label htmlFor="decoder-scores">Scores input</label>
        <input id="decoder-scores" type="text" value={scores} onChange={(e) => setScores(e.target.value)} data-testid="decoder-scores" />
        <label htmlFor="decoder-boxes">Boxes input</label>
        <input id="decoder-boxes" type="text" value={boxes} onChange={(e) => setBoxes(e.target.value)} data-testid="decoder-boxes" />
      </div>
      {error && <div className="pipeline-error" data-testid="builder-error">{error}</div>}
    </Modal>
  );
}

function DetectorBuilder() {
  const doc = useDocumentStore((s) => s.document);
  const decoder = useDecoderFields();
  const nms = useNmsFields(doc?.spec);
  const outputs = (doc?.spec.description?.output ?? []).filter((o) => o.type?.multiArrayType).map((o) => o.name ?? '');
  const [scores, setScores] = useState('');
  const [boxes, setBoxes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const apply = (): void => {
    if (!doc) return;
    try {
      const spec = buildSsdDetector({
        network: doc.spec, ...decoder.values(), ...nms.choices(),
        ...(scores ? { scoresName: scores } : {}), ...(boxes ? { boxesName: boxes } : {}),
      });
      openBuilt(`${baseNameOf(doc.name)}-detector`, spec, [sourceOf(doc)]);
      close();
    } catch (e) { setError(reasonOf(e)); }
  };
  return (
    <Modal title="Detector in one step" testId="dialog-detector" onCancel={close}
      footer={<><button onClick={close}>Cancel</button><button className="primary" data-testid="dialog-apply" onClick={apply} disabled={!doc}>Build detector</button></>}>
      <p className="stage-io">{doc ? `${doc.name}` : 'The active model'} + a generated anchor decoder + NonMaximumSuppression in one pipeline, with the classes and thresholds in its metadata and the specification version its features need. It opens in a new tab.</p>
      <div className="builder-grid">
        <label htmlFor="detector-scores">Network scores output</label>
        <select id="detector-scores" value={scores} onChange={(e) => setScores(e.target.value)} data-testid="detector-scores">
          <option value="">Found by shape</option>
          {outputs.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
        <label htmlFor="detector-boxes">Network boxes output</label>
        <select id="detector-boxes" value={boxes} onChange={(e) => setBoxes(e.target.value)} data-testid="detector-boxes">
          <option value="">Found by shape</option>
          {outputs.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
        {decoder.fields}
        {nms.fields}
      </div>
      {error && <div className="pipeline-error" data-testid="builder-error">{error}</div>}
    </Modal>
  );
}

export function Builders() {
  const builder = usePipelineUi((s) => s.builder);
  if (builder === 'nms') return <NmsBuilder />;
  if (builder === 'decoder') return <DecoderBuilder />;
  if (builder === 'detector') return <DetectorBuilder />;
  return null;
}
