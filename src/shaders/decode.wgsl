// BlazeFace raw outputs -> face candidates above a score threshold, appended in any order.
// CPU twin: decodeRef in src/detect/decode.ts.
//
// Candidate buffer (little-endian, 4-byte words):
//   byte 0            u32 count: anchors that passed the threshold; may exceed MAX_CANDIDATES
//   byte 4 + 72 * i   record i < min(count, MAX_CANDIDATES):
//                     u32 anchor, f32 score, f32 cx, f32 cy, f32 w, f32 h, f32 keypoints[12] (x, y pairs)
//                     all coordinates normalised to the model input, y down

override WG: u32 = 64;
override GRID0_ANCHORS: u32 = 512;  // anchors in the first grid; the rest are in the second
override ANCHORS: u32 = 896;
override MAX_CANDIDATES: u32 = 64;
override INPUT_SIZE: f32 = 256.0;   // box regressors are in input pixels

const BOX_STRIDE = 16u;
const KEYPOINTS = 6u;
// BlazeFace has one class; kept so a multi-class head slots in without changing the threshold.
const CLASS_PROB = 1.0;

struct Params {
  threshold: f32,
}

struct Record {
  anchor: u32,
  score: f32,
  cx: f32,
  cy: f32,
  w: f32,
  h: f32,
  keypoints: array<f32, 12>,
}

struct Candidates {
  count: atomic<u32>,
  records: array<Record>,
}

@group(0) @binding(0) var<uniform> params: Params;
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

fn raw_score(a: u32) -> f32 {
  if (a < GRID0_ANCHORS) {
    return scores0[a];
  }
  return scores1[a - GRID0_ANCHORS];
}

fn raw_box(a: u32, k: u32) -> f32 {
  if (a < GRID0_ANCHORS) {
    return boxes0[a * BOX_STRIDE + k];
  }
  return boxes1[(a - GRID0_ANCHORS) * BOX_STRIDE + k];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let a = id.x;
  if (a >= ANCHORS) {
    return;
  }
  let score = sigmoid(raw_score(a)) * CLASS_PROB;
  if (score < params.threshold) {
    return;
  }
  let slot = atomicAdd(&candidates.count, 1u);
  if (slot >= MAX_CANDIDATES) {
    return;
  }
  let anchor = anchors[a];
  let scale = 1.0 / INPUT_SIZE;
  var r: Record;
  r.anchor = a;
  r.score = score;
  r.cx = anchor.x + raw_box(a, 0u) * scale;
  r.cy = anchor.y + raw_box(a, 1u) * scale;
  r.w = raw_box(a, 2u) * scale;
  r.h = raw_box(a, 3u) * scale;
  for (var k = 0u; k < KEYPOINTS; k++) {
    r.keypoints[2u * k] = anchor.x + raw_box(a, 4u + 2u * k) * scale;
    r.keypoints[2u * k + 1u] = anchor.y + raw_box(a, 5u + 2u * k) * scale;
  }
  candidates.records[slot] = r;
}
