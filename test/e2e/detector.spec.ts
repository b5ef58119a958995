// Boxes drawn on the input image: a small detector made here with the shared builders (a network
// that scores each 32×32 cell of a 128×128 picture by its mean red, green and blue, then
// NonMaximumSuppression added by addNmsStage, as `mlsurgeon detector` makes Vision's layout),
// written to a temporary .mlmodel, opened through the file chooser and run on a picture of three
// coloured blocks: the tensor viewer draws one labelled box per coloured cell, over the picture.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeModel } from '../../shared/format/model';
import { ArrayFeatureType_ArrayDataType, ImageFeatureType_ColorSpace, PoolingLayerParams_PoolingType, type Model } from '../../shared/format/schema/types.generated';
import { addNmsStage } from '../../shared/surgery/detector';
import { openModel, screenshot, waitForDocument } from './app';
import { assert, assertEqual, test } from './harness';
import { chooseImage, drawPng, runAndWait } from './runPanel';

const { FLOAT32 } = ArrayFeatureType_ArrayDataType;
const { RGB } = ImageFeatureType_ColorSpace;
const { AVERAGE } = PoolingLayerParams_PoolingType;
const SIZE = 128, CELL = 32, GRID = SIZE / CELL, CELLS = GRID * GRID;

/** One box per cell, normalised (centre x, centre y, width, height), row by row. */
const cellBoxes = Array.from({ length: CELLS }, (_, i) => [((i % GRID) + 0.5) / GRID, (Math.floor(i / GRID) + 0.5) / GRID, 1 / GRID, 1 / GRID]).flat();

function detector(): Model {
  const network: Model = {
    specificationVersion: 1,
    description: {
      input: [{ name: 'image', type: { imageType: { width: SIZE, height: SIZE, colorSpace: RGB } } }],
      output: [
        { name: 'scores', type: { multiArrayType: { shape: [CELLS, 3], dataType: FLOAT32 } } },
        { name: 'boxes', type: { multiArrayType: { shape: [CELLS, 4], dataType: FLOAT32 } } },
      ],
    },
    neuralNetwork: {
      preprocessing: [{ featureName: 'image', scaler: { channelScale: 1 / 255 } }],
      layers: [
        // (3, 4, 4): each cell's mean red, green and blue in [0, 1].
        { name: 'cell_means', input: ['image'], output: ['cells'], pooling: { type: AVERAGE, kernelSize: [CELL, CELL], stride: [CELL, CELL], valid: {} } },
        // (4, 4, 3) then (16, 3): one row of class scores per cell.
        { name: 'channels_last', input: ['cells'], output: ['cells_hwc'], permute: { axis: [0, 2, 3, 1] } },
        { name: 'one_row_per_cell', input: ['cells_hwc'], output: ['scores'], reshape: { targetShape: [1, CELLS, 3] } },
        { name: 'cell_boxes', input: [], output: ['boxes'], loadConstant: { shape: [1, CELLS, 4], data: { floatValue: Float32Array.from(cellBoxes) } } },
      ],
    },
  };
  return addNmsStage({ model: network, labels: ['red', 'green', 'blue'], iouThreshold: 0.5, confidenceThreshold: 0.5, perClass: false, overrideInputs: false });
}

/** Black, with a red cell at (row 0, column 0), green cells at (1, 2) and (1, 3), a blue cell at (3, 1). */
const BLOCKS = `
    g.fillStyle = '#000'; g.fillRect(0, 0, w, h);
    g.fillStyle = '#ff0000'; g.fillRect(0, 0, ${CELL}, ${CELL});
    g.fillStyle = '#00ff00'; g.fillRect(${2 * CELL}, ${CELL}, ${2 * CELL}, ${CELL});
    g.fillStyle = '#0000ff'; g.fillRect(${CELL}, ${3 * CELL}, ${CELL}, ${CELL});`;

test('a detector’s boxes are drawn on the input image with their labels', async (ctx) => {
  const { page, artifacts } = ctx;
  const dir = mkdtempSync(join(tmpdir(), 'mlsurgeon-detector-'));
  try {
    const file = join(dir, 'CellDetector.mlmodel');
    writeFileSync(file, encodeModel(detector()));
    await openModel(page, file);
    await waitForDocument(page, 'CellDetector.mlmodel');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await page.getByTestId('run-toggle').click();
  await chooseImage(page, 'blocks.png', await drawPng(page, SIZE, SIZE, BLOCKS));
  await runAndWait(page);

  await page.locator('[data-testid="blob-row"][data-blob="coordinates"]').click();
  const viewer = page.locator('[data-testid="tensor-viewer"][data-blob="coordinates"][data-view="boxes"]');
  await viewer.waitFor();
  const boxes = viewer.getByTestId('boxes');
  assertEqual(await boxes.getAttribute('data-count'), '4', 'one box per coloured cell');
  const drawn = await boxes.getByTestId('box').evaluateAll((gs) => gs.map((g) => {
    const r = g.querySelector('rect')!;
    return `${g.querySelector('text')!.textContent} @ ${r.getAttribute('x')},${r.getAttribute('y')} ${r.getAttribute('width')}×${r.getAttribute('height')}`;
  }));
  // In image pixels (the SVG's viewBox is the image); every confidence is 1 (a pure colour).
  assertEqual(drawn.sort(), [
    'blue 100% @ 32,96 32×32',
    'green 100% @ 64,32 32×32',
    'green 100% @ 96,32 32×32',
    'red 100% @ 0,0 32×32',
  ], 'each box on its cell, labelled with its class and confidence');
  // Under the boxes, the picture the model was given (not the grey field drawn without an image).
  const pixels = await boxes.locator('canvas').evaluate((c: HTMLCanvasElement) => [c.width, c.height,
    ...[[16, 16], [48, 112], [112, 112]].map(([x, y]) => [...c.getContext('2d')!.getImageData(x, y, 1, 1).data.slice(0, 3)].join(','))]);
  assertEqual(pixels, [SIZE, SIZE, '255,0,0', '0,0,255', '0,0,0'], 'the input picture under the boxes (red, blue, black cells)');
  // The confidences are the other half of the pair and show the same boxes.
  await page.locator('[data-testid="blob-row"][data-blob="confidence"]').click();
  await page.locator('[data-testid="tensor-viewer"][data-blob="confidence"][data-view="boxes"]').waitFor();
  assert(await page.getByTestId('boxes').isVisible(), 'the boxes view is shown for the confidences too');
  await page.getByTestId('boxes').scrollIntoViewIfNeeded();
  await screenshot(page, artifacts, 'detector-boxes');
}, { timeoutMs: 200_000 });
