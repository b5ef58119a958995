// The extra lines shown on feature nodes: how a neural network's image input is preprocessed
// before the first layer sees it, and which classes a classifier's label output can take.
import { featureTypeInfo, type FeatureDescription, type NeuralNetworkPreprocessing } from '../format';
import { formatNumber } from '../layers';

/** How many class labels a classifier output lists before "…". */
export const LABELS_SHOWN = 3;
const LABEL_CHARS = 40;

const truncate = (s: string): string => (s.length > LABEL_CHARS ? `${s.slice(0, LABEL_CHARS - 1)}…` : s);

/** "1000 class labels", then the first few labels, then "…" when there are more. */
export function classLabelNotes(labels: readonly string[]): string[] {
  const notes = [`${labels.length} class label${labels.length === 1 ? '' : 's'}`];
  for (const l of labels.slice(0, LABELS_SHOWN)) notes.push(truncate(l));
  if (labels.length > LABELS_SHOWN) notes.push('…');
  return notes;
}

/**
 * Notes per image input name. NeuralNetwork.proto: an empty featureName applies the
 * preprocessing to the model's only image input; the scaler's biases are per channel in the
 * image's own order (BGR images: blue first), and a BGR colour space means the network receives
 * channels in blue, green, red order.
 */
export function preprocessingNotes(
  preprocessing: readonly NeuralNetworkPreprocessing[] | undefined,
  inputs: readonly FeatureDescription[],
): Map<string, string[]> {
  const images = inputs.filter((f) => f.type?.imageType);
  const notes = new Map<string, string[]>();
  const add = (name: string, line: string): void => {
    const list = notes.get(name) ?? [];
    list.push(line);
    notes.set(name, list);
  };
  for (const p of preprocessing ?? []) {
    const target = p.featureName ? images.find((f) => f.name === p.featureName) : images.length === 1 ? images[0] : undefined;
    if (!target) continue;
    const name = target.name ?? '';
    if (p.scaler) {
      const s = p.scaler;
      add(name, `scale ${formatNumber(s.channelScale ?? 0)}`);
      const colorSpace = featureTypeInfo(target.type).colorSpace;
      const r = s.redBias ?? 0, g = s.greenBias ?? 0, b = s.blueBias ?? 0, gray = s.grayBias ?? 0;
      const f = formatNumber;
      if (colorSpace === 'GRAYSCALE' || colorSpace === 'GRAYSCALE_FLOAT16') {
        if (gray) add(name, `bias ${f(gray)}`);
      } else if (r || g || b) {
        add(name, colorSpace === 'BGR' ? `bias B ${f(b)}, G ${f(g)}, R ${f(r)}` : `bias R ${f(r)}, G ${f(g)}, B ${f(b)}`);
      }
    }
    if (p.meanImage) add(name, `mean image subtracted (${p.meanImage.meanImage?.length ?? 0} values)`);
  }
  for (const f of images) if (featureTypeInfo(f.type).colorSpace === 'BGR') add(f.name ?? '', 'BGR channel order');
  return notes;
}
