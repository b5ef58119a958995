// Every picture of the Run panel (heatmaps, colour bar, blob images, input previews, the image
// under detector boxes) is a canvas at the data's own resolution, filled pixel by pixel and scaled
// by CSS; this is the one place that sizes it and puts the pixels.
import { useEffect, type RefObject } from 'react';

/**
 * Sizes `ref`'s canvas to width×height and fills it with `paint` (RGBA, 4 bytes a pixel) whenever
 * one of them changes: pass a `paint` memoised on the data it draws (useCallback).
 */
export function usePixels(ref: RefObject<HTMLCanvasElement | null>, width: number, height: number, paint: (rgba: Uint8ClampedArray<ArrayBuffer>) => void): void {
  useEffect(() => {
    const c = ref.current;
    if (!c || !(width > 0 && height > 0)) return;
    c.width = width;
    c.height = height;
    const img = new ImageData(width, height);
    paint(img.data);
    c.getContext('2d')!.putImageData(img, 0, 0);
  }, [ref, width, height, paint]);
}
