/** One level of SSD anchors: a square grid of `inputSize / stride` cells, `anchorsPerCell` anchors per cell. */
export interface AnchorGrid {
  stride: number;
  anchorsPerCell: number;
}

/** A detector's anchor layout; its grids appear in the order the model emits their outputs. */
export interface AnchorSpec {
  inputSize: number;
  grids: readonly AnchorGrid[];
}

// MediaPipe's SsdAnchorsCalculator options for BlazeFace: a fine grid of 2 anchors per cell, then the
// coarse levels (strides 16, 16, 16 in the 128 model) merged into one grid of 6. Anchor sizes are all
// 1, so only centres matter.
export const BLAZEFACE_BACK_256_ANCHORS: AnchorSpec = {
  inputSize: 256,
  grids: [
    { stride: 16, anchorsPerCell: 2 },
    { stride: 32, anchorsPerCell: 6 },
  ],
};

export const BLAZEFACE_FRONT_128_ANCHORS: AnchorSpec = {
  inputSize: 128,
  grids: [
    { stride: 8, anchorsPerCell: 2 },
    { stride: 16, anchorsPerCell: 6 },
  ],
};

export function gridCells(spec: AnchorSpec, grid: AnchorGrid): number {
  return spec.inputSize / grid.stride;
}

export function gridAnchorCount(spec: AnchorSpec, grid: AnchorGrid): number {
  return gridCells(spec, grid) ** 2 * grid.anchorsPerCell;
}

export function anchorCount(spec: AnchorSpec): number {
  return spec.grids.reduce((n, g) => n + gridAnchorCount(spec, g), 0);
}

/** Anchor centres (x, y) in normalised model coordinates, y down: cells row-major, a cell's anchors consecutive. */
export function anchorCentres(spec: AnchorSpec): Float32Array {
  const out = new Float32Array(anchorCount(spec) * 2);
  let i = 0;
  for (const grid of spec.grids) {
    const cells = gridCells(spec, grid);
    for (let iy = 0; iy < cells; iy++) {
      for (let ix = 0; ix < cells; ix++) {
        for (let a = 0; a < grid.anchorsPerCell; a++) {
          out[i++] = (ix + 0.5) / cells;
          out[i++] = (iy + 0.5) / cells;
        }
      }
    }
  }
  return out;
}

/** The 896 anchor centres of the 256x256 back-camera BlazeFace. */
export function blazeFaceAnchors(): Float32Array {
  return anchorCentres(BLAZEFACE_BACK_256_ANCHORS);
}
