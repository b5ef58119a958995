// Ways in: drag-and-drop of a file onto the window, saving what was opened, and the fonts an open
// needs loaded before it.
import { readFileSync } from 'node:fs';
import { needShared, modelFile, openModel, waitForDocument } from './app';
import { assertEqual, test } from './harness';
import { DOCUMENT_FONTS } from '../../renderer/src/fontWarmUp';

const IDENTITY = 'findit-studio__coremlit/identity.mlmodel';

test('dropping a .mlmodel file on the window opens it', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const bytes = [...readFileSync(modelFile(IDENTITY))];
  await page.getByTestId('app').evaluate((app, data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(data)], 'identity.mlmodel'));
    app.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    app.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await waitForDocument(page, 'identity.mlmodel');
  assertEqual(await page.getByTestId('model-inputs').getByTestId('feature-name').allTextContents(), ['x'], 'inputs of the dropped model');
});

test('Download writes the model back byte for byte', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  const path = modelFile('hollance__CoreML-Custom-Layers/NeuralMcNeuralNet.mlmodel');
  await openModel(page, path);
  await waitForDocument(page, 'NeuralMcNeuralNet.mlmodel');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save').click()]);
  assertEqual(download.suggestedFilename(), 'NeuralMcNeuralNet.mlmodel', 'download name');
  const saved = `${ctx.artifacts}/saved-${download.suggestedFilename()}`;
  await download.saveAs(saved);
  assertEqual(readFileSync(saved).equals(readFileSync(path)), true, 'saved bytes equal the original');
});

test('the fonts an opened model\'s page sets text in are all loaded before the first open (fontWarmUp.ts)', async (ctx) => {
  needShared(ctx);
  const { page } = ctx;
  // Computed as "style weight size family", for the warm-up's list and for what the page shows.
  // (Evaluated from strings: tsx names inner functions with a helper the page does not have.)
  const FONT_OF = '(el) => { const cs = getComputedStyle(el); return `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`; }';
  const warmed = new Set(await page.evaluate<string[]>(`(() => {
    const fontOf = ${FONT_OF};
    const probe = (el) => { document.body.appendChild(el); const k = fontOf(el); el.remove(); return k; };
    const fonts = ${JSON.stringify(DOCUMENT_FONTS)};
    return [
      ...fonts.map((font) => { const d = document.createElement('div'); d.style.font = font; return probe(d); }),
      probe(document.createElement('input')), probe(document.createElement('button')),
    ];
  })()`));
  const missing = new Set<string>();
  for (const file of ['tucan9389__ImageClassification-CoreML/SqueezeNetFP16.mlmodel', 'vincecloutier__asl-models/HandPoseClassifier.mlmodel', 'tucan9389__PoseEstimation-CoreML/model_cpm.mlmodel']) {
    await openModel(page, modelFile(file));
    await waitForDocument(page, file.split('/').pop()!);
    const used = await page.evaluate<string[]>(`(() => {
      const fontOf = ${FONT_OF};
      const out = new Set();
      for (const el of document.querySelectorAll('body *')) {
        const text = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
        if (!text && !(el instanceof HTMLInputElement || el instanceof HTMLButtonElement)) continue;
        if (el.getClientRects().length === 0) continue; // not laid out: sets no text
        out.add(fontOf(el));
      }
      return [...out];
    })()`);
    assertEqual(used.length > 5, true, `${file}: the page sets text in several fonts`);
    for (const f of used) if (!warmed.has(f)) missing.add(f);
  }
  assertEqual([...missing], [], 'fonts used after an open but missing from DOCUMENT_FONTS');
});
