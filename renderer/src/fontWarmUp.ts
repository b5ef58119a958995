// The first time the page sets text in a font at a given size and weight, Chromium looks the font
// up and loads it (on Linux through fontconfig, for each family name of the font stack). The empty
// window uses few of the fonts a model's panels and canvas use, so the first open paid for all of
// them inside its one long layout: measured with a Chromium trace on HandPoseClassifier, that
// layout took 35-50 ms cold and 6-10 ms once the fonts below had been used (bench/ui-profile.ts).
// So, once the empty window is idle, a line of text in each of them is laid out off screen.

/**
 * Every font the document view sets text in right after an open: `font` shorthands over the
 * stylesheet's own families (styles.css: --font, --mono). e2e open.spec.ts checks the list against
 * the fonts an opened model's page actually uses, so a new size or weight in the stylesheet that
 * is missing here fails there.
 */
export const DOCUMENT_FONTS: readonly string[] = [
  '400 10px var(--font)', '400 11px var(--font)', '400 12px var(--font)', '400 13px var(--font)', '400 14px var(--font)',
  '400 15px var(--font)', 'italic 400 11px var(--font)', '500 9px var(--font)', '500 11px var(--font)',
  '550 13px var(--font)', '550 14px var(--font)', '600 11px var(--font)', '600 13px var(--font)', '650 11px var(--font)',
  '650 13px var(--font)',
  '400 10px var(--mono)', '400 10.5px var(--mono)', '400 11px var(--mono)', '400 12px var(--mono)', '600 12px var(--mono)',
];

/** Letters, digits and the symbols the panels and canvas print (shapes, arrows, units). */
const SAMPLE = 'conv_1/Relu:0 Aa0 1×3×224×224 → … · — 12.5 KB ✓ ⚠';

/** Lays out a line in every font of DOCUMENT_FONTS (and the controls' own font) off screen, then removes it. */
export function warmUpFonts(): void {
  const host = document.createElement('div');
  host.setAttribute('aria-hidden', 'true');
  host.style.cssText = 'position:fixed;left:-20000px;top:0;width:1000px;visibility:hidden;pointer-events:none;contain:layout style';
  for (const font of DOCUMENT_FONTS) {
    const line = document.createElement('div');
    line.style.font = font;
    line.textContent = SAMPLE;
    host.appendChild(line);
  }
  // Buttons and text fields keep the browser's own font unless a rule sets one.
  const input = document.createElement('input');
  input.value = SAMPLE;
  const button = document.createElement('button');
  button.textContent = SAMPLE;
  host.append(input, button);
  document.body.appendChild(host);
  void host.offsetWidth; // the layout that loads the fonts
  host.remove();
}
