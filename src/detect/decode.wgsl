// BlazeFace raw outputs of one or more crops -> face candidates in frame coordinates above a score threshold
// (lower ones near the frame's borders, where faces are cut, and for tall boxes), appended in any order to one
// list that the NMS pass (nms.wgsl) reads. Faces cut by an inner tile edge are dropped where the crop asks for it:
// the neighbouring tile sees them whole.
// CPU twin: decodeAnchors + candidateToDetection + keepScore + isCut in src/detect (mergeCrops, before its NMS).
//
// Needs candidate.wgsl and crop-keep.wgsl in front (struct Record, struct Crop, append()).
//
// Candidate buffer (little-endian, 4-byte words):
//   byte 0            u32 count: candidates that passed; may exceed MAX_CANDIDATES (the rest are dropped)
//   byte 4 + 76 * i   record i < min(count, MAX_CANDIDATES):
//                     u32 anchor, u32 crop, f32 score, f32 x, y, w, h (box, top-left corner),
//                     f32 keypoints[12] (x, y pairs); coordinates are fractions of the frame, y down
//
// Dispatch: (ceil(ANCHORS / WG), crops). The raw outputs hold the crops back to back, as a batched model run
// returns them; crop y of the dispatch reads crops[y] and its slice of each output.

override WG: u32 = 64;
override GRID0_ANCHORS: u32 = 512;  // anchors in the first grid; the rest are in the second
override ANCHORS: u32 = 896;
override MAX_CANDIDATES: u32 = 4096;
override INPUT_SIZE: f32 = 256.0;   // box regressors are in input pixels

const BOX_STRIDE = 16u;
const KEYPOINTS = 6u;
// BlazeFace has one class; kept so a multi-class head slots in without changing the threshold.
const CLASS_PROB = 1.0;

struct Candidates {
  count: atomic<u32>,
  records: array<Record>,
}

@group(0) @binding(0) var<storage, read> crops: array<Crop>;
@group(0) @binding(1) var<storage, read> anchors: array<vec2f>;
// onnxruntime-web's output buffers, bound as they come out of the session.
@group(0) @binding(2) var<storage, read> scores0: array<f32>;
@group(0) @binding(3) var<storage, read> scores1: array<f32>;
@group(0) @binding(4) var<storage, read> boxes0: array<f32>;
@group(0) @binding(5) var<storage, read> boxes1: array<f32>;
@group(0) @binding(6) var<storage, read_write> candidates: Candidates;

// exp only ever sees a non-positive argument, so no overflow for large logits. Twin: sigmoid().
fn sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

fn raw_score(slot: u32, a: u32) -> f32 {
  let grid1 = ANCHORS - GRID0_ANCHORS;
  if (a < GRID0_ANCHORS) {
    return scores0[slot * GRID0_ANCHORS + a];
  }
  return scores1[slot * grid1 + a - GRID0_ANCHORS];
}

fn raw_box(slot: u32, a: u32, k: u32) -> f32 {
  let grid1 = ANCHORS - GRID0_ANCHORS;
  if (a < GRID0_ANCHORS) {
    return boxes0[(slot * GRID0_ANCHORS + a) * BOX_STRIDE + k];
  }
  return boxes1[(slot * grid1 + a - GRID0_ANCHORS) * BOX_STRIDE + k];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let a = id.x;
  let slot = id.y;
  if (a >= ANCHORS) {
    return;
  }
  let crop = crops[slot];
  let score = sigmoid(raw_score(slot, a)) * CLASS_PROB;
  if (score < floor_score(crop)) {
    return;
  }
  let anchor = anchors[a];
  let scale = 1.0 / INPUT_SIZE;
  let cx = anchor.x + raw_box(slot, a, 0u) * scale;
  let cy = anchor.y + raw_box(slot, a, 1u) * scale;
  let w = raw_box(slot, a, 2u) * scale;
  let h = raw_box(slot, a, 3u) * scale;
  var kp: array<f32, 12>;
  for (var k = 0u; k < KEYPOINTS; k++) {
    kp[2u * k] = anchor.x + raw_box(slot, a, 4u + 2u * k) * scale;
    kp[2u * k + 1u] = anchor.y + raw_box(slot, a, 5u + 2u * k) * scale;
  }
  append(crop, a, score, vec4f(cx - w / 2.0, cy - h / 2.0, w, h), kp);
}
