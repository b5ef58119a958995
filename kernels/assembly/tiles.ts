// Small per-instance scratch (edge tiles, padded bias, panel origins), at a pointer the host
// gives with setTiles. It is not static data (memory.data): with two threads, two instances of
// this module run over one shared memory, and each needs its own tiles; and an instance's active
// data segments are written again at every instantiation, which would overwrite the tiles of a
// thread that is computing while the other instance starts. A global is per instance.

/** Edge tiles (fewer than 4 rows or 8 columns) are computed in full here, then copied: 4 x 8 floats. */
export const EDGE_TILE: usize = 0;
/** Column bias for a panel narrower than 8, padded with zeros so the kernel never reads past it. */
export const EDGE_BIAS: usize = 128;
/** Per-pixel input rows and columns of a panel that wraps to the next output row (8 x i32 each). */
export const ORIGIN_Y: usize = 160;
export const ORIGIN_X: usize = 192;
const TILES_BYTES: i32 = 224;

export let tiles: usize = 0;

/** Bytes the host allocates (16-byte aligned) for one instance's tiles. */
export function tilesBytes(): i32 {
  return TILES_BYTES;
}

export function setTiles(ptr: usize): void {
  tiles = ptr;
}
