// The one anchors-file reader behind the editor's decoder and detector dialogs and `mlsurgeon
// decoder`/`detector`: what it accepts, what it refuses (naming the file), and that what it reads
// is what the decoder builder takes. Files are built here, as numpy and json.dump write them.
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../shared/numeric';
import { SurgeryError, parseAnchorsFile } from '../../shared/surgery';
import { anchorRows } from '../../shared/surgery/anchor-decoder';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The reason a call is refused with; fails when it is not refused with a SurgeryError. */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof SurgeryError) return e.reason;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('parseAnchorsFile', () => {
  // Three anchors (y, x, h, w) as four rows of three.
  const fourByN = [[0.1, 0.5, 0.9], [0.2, 0.6, 0.8], [0.3, 0.3, 0.3], [0.4, 0.4, 0.4]];

  it('reads a .npy array with its shape, in C order', () => {
    const data = Float32Array.from(fourByN.flat());
    const a = parseAnchorsFile('ssd_anchors.npy', encodeNpy({ shape: [4, 3], data }));
    expect(a.shape).toEqual([4, 3]);
    expect(Array.from(a.data)).toEqual(Array.from(data));
  });

  it('reads JSON nested arrays as (rows, columns), whatever the case of the extension', () => {
    const nByFour = [0, 1, 2].map((b) => fourByN.map((row) => row[b]));
    const a = parseAnchorsFile('ANCHORS.JSON', text(JSON.stringify(nByFour)));
    expect(a.shape).toEqual([3, 4]);
    expect(Array.from(a.data)).toEqual(Array.from(Float32Array.from(nByFour.flat())));
    // The (N, 4) JSON and the (4, N) .npy give the decoder the same four rows.
    const fromNpy = anchorRows(parseAnchorsFile('a.npy', encodeNpy({ shape: [4, 3], data: Float32Array.from(fourByN.flat()) })));
    expect(anchorRows(a)).toEqual(fromNpy);
    expect(fromNpy.count).toBe(3);
  });

  it('refuses a file that is not what its name says, naming the file', () => {
    expect(refusal(() => parseAnchorsFile('anchors.json', text('[[1, 2,')))).toMatch(/^anchors\.json: not JSON \(/);
    expect(refusal(() => parseAnchorsFile('anchors.npy', text('[[1, 2]]')))).toBe('anchors.npy: not a .npy file (no \\x93NUMPY magic)');
    // A name without .json is read as .npy, as both the dialog and the CLI always did.
    expect(refusal(() => parseAnchorsFile('anchors.txt', text('1 2 3 4')))).toBe('anchors.txt: not a .npy file (no \\x93NUMPY magic)');
  });

  it('refuses JSON that is not an array of equal-length arrays of numbers', () => {
    const expected = 'a.json: expected a JSON array of equal-length arrays of numbers';
    for (const json of ['[]', '{"anchors": [[1, 2, 3, 4]]}', '[1, 2, 3, 4]', '[[1, 2, 3, 4], [1, 2, 3]]', '[[1, 2, 3, "4"]]', '[[1, 2], null]']) {
      expect(refusal(() => parseAnchorsFile('a.json', text(json))), json).toBe(expected);
    }
  });
});
