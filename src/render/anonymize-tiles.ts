import { isEmpty, type Span } from './span';

/** Tile side in pixels (or cells): one 8x8 workgroup of anonymize.wgsl (its WG) per tile. */
export const TILE = 8;
/** Tile coordinates are packed as x | y << 16. */
const MAX_TILES_ACROSS = 1 << 16;

/**
 * The tiles that a list of spans touches, each once, row by row: the dispatch list of a tiled stage, so that
 * work follows the union of the faces' rectangles and not their bounding box (two faces in opposite corners
 * cost two faces, not the frame). Reuses its scratch between frames.
 */
export class TileLister {
  #marks = new Uint8Array(0);

  /** Tiles of a width x height grid (pixels or cells) that `spans` touch, packed x | y << 16. */
  list(spans: readonly Span[], width: number, height: number): Uint32Array<ArrayBuffer> {
    const across = Math.ceil(width / TILE);
    const down = Math.ceil(height / TILE);
    if (across > MAX_TILES_ACROSS || down > MAX_TILES_ACROSS)
      throw new RangeError(`anonymize: ${width}x${height} has too many tiles`);
    if (this.#marks.length < across * down) this.#marks = new Uint8Array(across * down);
    const marks = this.#marks;
    let [bx0, by0, bx1, by1] = [across, down, -1, -1];
    let marked = 0;
    for (const s of spans) {
      if (isEmpty(s)) continue;
      const [tx0, ty0] = [Math.floor(s[0] / TILE), Math.floor(s[1] / TILE)];
      const [tx1, ty1] = [Math.floor(s[2] / TILE), Math.floor(s[3] / TILE)];
      [bx0, by0, bx1, by1] = [Math.min(bx0, tx0), Math.min(by0, ty0), Math.max(bx1, tx1), Math.max(by1, ty1)];
      for (let ty = ty0; ty <= ty1; ty++) {
        for (let tx = tx0; tx <= tx1; tx++) {
          const i = ty * across + tx;
          marked += 1 - marks[i];
          marks[i] = 1;
        }
      }
    }
    const out = new Uint32Array(marked);
    let n = 0;
    for (let ty = by0; ty <= by1; ty++) {
      for (let tx = bx0; tx <= bx1; tx++) {
        const i = ty * across + tx;
        if (marks[i]) {
          out[n++] = tx | (ty << 16);
          marks[i] = 0;
        }
      }
    }
    return out;
  }
}

/** One bit per tile of a width x height frame, set for each listed tile (tile index y * across + x). */
export function tileBits(tiles: Uint32Array, width: number, height: number): Uint32Array<ArrayBuffer> {
  const across = Math.ceil(width / TILE);
  const bits = new Uint32Array(Math.max(1, Math.ceil((across * Math.ceil(height / TILE)) / 32)));
  for (const t of tiles) {
    const i = (t >>> 16) * across + (t & 0xffff);
    bits[i >>> 5] |= 1 << (i & 31);
  }
  return bits;
}

/** Workgroups for `n` one-dimensional items within the per-dimension limit (the shader folds y back into x). */
export function dispatchSize(n: number, limit = 65535): [number, number] {
  return n <= limit ? [n, 1] : [limit, Math.ceil(n / limit)];
}
