// The Run panel's inputs: one row per model input with its source (random from a seed, zeros, a
// constant, an image file, a .npy file) and, for images, the picture as the model receives it
// (resized to the input's size) with the preprocessing Core ML applies to it.
import { useCallback, useRef } from 'react';
import type { FeatureDescription, Model } from '../../../shared/format';
import { useDocumentStore } from '../store/documentStore';
import { arrayShape, choiceProblem, defaultChoice, describePreprocessing, imageChoice, imageSize, inputKind, npyChoice, preprocessingFor, rgbaOf, type InputChoice } from './inputs';
import { useRunStore } from './runStore';
import { usePixels } from './usePixels';
import { formatShape } from './tensorView';

function ImagePreview(props: { choice: Extract<InputChoice, { source: 'image' }> }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { image } = props.choice;
  usePixels(ref, image.width, image.height, useCallback((out) => out.set(rgbaOf(image)), [image]));
  return <canvas ref={ref} className="run-preview" data-testid="run-input-preview" title={`${props.choice.fileName}: ${props.choice.originalSize.join('×')} resized to ${image.width}×${image.height}`} />;
}

function InputRow(props: { spec: Model; d: FeatureDescription }) {
  const { spec, d } = props;
  const name = d.name ?? '';
  const choice = useRunStore((s) => s.choices.get(name)) ?? defaultChoice();
  const setChoice = (c: InputChoice) => useRunStore.getState().setChoice(name, c);
  const fileRef = useRef<HTMLInputElement>(null);
  const kind = inputKind(d);
  const size = imageSize(d);
  const shape = arrayShape(d);
  const problem = choiceProblem(d, choice);
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      if (kind === 'image' && size) setChoice(await imageChoice(file, file.name, size[0], size[1]));
      else setChoice(await npyChoice(file));
    } catch (e) {
      useRunStore.getState().setStatus({ kind: 'failed', message: `${file.name}: ${(e as Error).message}` });
    }
  };
  const fileLabel = kind === 'image' ? 'Image file…' : '.npy file…';
  return (
    <li className="run-input" data-testid="run-input" data-name={name} data-source={choice.source}>
      <div className="run-input-head">
        <code className="run-input-name">{name}</code>
        <span className="muted small">{kind === 'image' && size ? `image ${size[0]}×${size[1]}` : kind === 'array' ? (shape ? `array ${formatShape(shape)}` : 'array (no shape)') : kind}</span>
      </div>
      <div className="run-input-source">
        <select
          value={choice.source === 'image' || choice.source === 'npy' ? 'file' : choice.source}
          data-testid="run-input-source"
          onChange={(e) => {
            const v = e.target.value;
            if (v === 'file') fileRef.current?.click();
            else if (v === 'random') setChoice({ source: 'random', seed: 1 });
            else if (v === 'zeros') setChoice({ source: 'zeros' });
            else if (v === 'constant') setChoice({ source: 'constant', value: kind === 'image' ? 128 : 1 });
          }}
        >
          <option value="random">Random (seeded)</option>
          <option value="zeros">{kind === 'image' ? 'Black' : 'Zeros'}</option>
          <option value="constant">Constant</option>
          <option value="file">{choice.source === 'image' || choice.source === 'npy' ? choice.fileName : fileLabel}</option>
        </select>
        {choice.source === 'random' && (
          <label className="run-inline">seed <input type="number" min={0} step={1} value={choice.seed} data-testid="run-input-seed"
            onChange={(e) => setChoice({ source: 'random', seed: Math.max(0, Math.trunc(Number(e.target.value) || 0)) })} /></label>
        )}
        {choice.source === 'constant' && (
          <label className="run-inline">value <input type="number" step="any" value={choice.value} data-testid="run-input-constant"
            onChange={(e) => setChoice({ source: 'constant', value: Number(e.target.value) || 0 })} /></label>
        )}
        {(choice.source === 'image' || choice.source === 'npy') && <button type="button" className="run-small" onClick={() => fileRef.current?.click()}>Change…</button>}
        <input ref={fileRef} type="file" hidden data-testid={kind === 'image' ? 'run-image-file' : 'run-npy-file'} accept={kind === 'image' ? 'image/*' : '.npy'}
          onChange={(e) => { void onFile(e.currentTarget.files?.[0]); e.currentTarget.value = ''; }} />
      </div>
      {choice.source === 'npy' && <div className="muted small">{formatShape(choice.shape)} from {choice.fileName}</div>}
      {kind === 'image' && (
        <div className="run-image">
          {choice.source === 'image' && <ImagePreview choice={choice} />}
          <ul className="run-preprocessing" data-testid="run-preprocessing">
            {describePreprocessing(d, preprocessingFor(spec, name)).map((line, i) => <li key={i}>{line}</li>)}
          </ul>
        </div>
      )}
      {problem && <div className="warn small">{problem}</div>}
    </li>
  );
}

export function InputsSection() {
  const spec = useDocumentStore((s) => s.document?.spec);
  if (!spec) return null;
  const inputs = spec.description?.input ?? [];
  return (
    <ul className="run-inputs" data-testid="run-inputs">
      {inputs.length === 0 && <li className="muted">The model declares no inputs.</li>}
      {inputs.map((d) => <InputRow key={d.name} spec={spec} d={d} />)}
    </ul>
  );
}
