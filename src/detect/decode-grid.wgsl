// Anchor-free stride grids (YuNet) of one or more crops -> face candidates in frame coordinates, appended in any
// order to the same candidate list as decode.wgsl (layout there), which the NMS pass ranks. One dispatch per
// stride; cls and obj come out of the model already through a sigmoid, and score = cls * obj.
// Cell (col, row) of stride s: centre ((col + b0) s, (row + b1) s), size (exp(b2) s, exp(b3) s), keypoint i at
// ((col + k[2i]) s, (row + k[2i+1]) s), in input pixels.
// CPU twin: decodeGrid + candidateToDetection + keepScore + isCut in src/detect (mergeCrops, before its NMS).
//
// Needs candidate.wgsl and crop-keep.wgsl in front (struct Record, struct Crop, append()).
//
// Dispatch: (ceil(cells / WG), crops), cells = cols * rows of this stride. The crops share one input size; the
// outputs hold them back to back, as a batched model run returns them.

override WG: u32 = 64;
override MAX_CANDIDATES: u32 = 4096;

const KEYPOINTS = 5u;

struct Level {
  stride: f32,
  cols: u32,
  rows: u32,
  firstAnchor: u32, // cells of the finer strides before this one: a candidate's anchor is unique in its crop
}

struct Candidates {
  count: atomic<u32>,
  records: array<Record>,
}

@group(0) @binding(0) var<storage, read> crops: array<Crop>;
@group(0) @binding(1) var<uniform> level: Level;
// onnxruntime-web's output buffers of this stride, bound as they come out of the session.
@group(0) @binding(2) var<storage, read> cls: array<f32>;
@group(0) @binding(3) var<storage, read> obj: array<f32>;
@group(0) @binding(4) var<storage, read> bbox: array<f32>;
@group(0) @binding(5) var<storage, read> kps: array<f32>;
@group(0) @binding(6) var<storage, read_write> candidates: Candidates;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let cells = level.cols * level.rows;
  let cell = id.x;
  let slot = id.y;
  if (cell >= cells) {
    return;
  }
  let crop = crops[slot];
  let i = slot * cells + cell;
  let score = cls[i] * obj[i];
  if (score < floor_score(crop)) {
    return;
  }
  let s = level.stride;
  let col = f32(cell % level.cols);
  let row = f32(cell / level.cols);
  let cx = (col + bbox[4u * i]) * s;
  let cy = (row + bbox[4u * i + 1u]) * s;
  let w = exp(bbox[4u * i + 2u]) * s;
  let h = exp(bbox[4u * i + 3u]) * s;
  let size = crop.inputSize;
  var kp: array<f32, 12>;
  for (var k = 0u; k < KEYPOINTS; k++) {
    kp[2u * k] = (col + kps[10u * i + 2u * k]) * s / size.x;
    kp[2u * k + 1u] = (row + kps[10u * i + 2u * k + 1u]) * s / size.y;
  }
  append(crop, level.firstAnchor + cell, score, vec4f((cx - w / 2.0) / size.x, (cy - h / 2.0) / size.y, w / size.x, h / size.y), kp);
}
