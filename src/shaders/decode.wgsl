// BlazeFace raw outputs of one or more crops -> face candidates in frame coordinates above a score threshold
// (a lower one near the frame's borders, where faces are cut),
// appended in any order to one list that the NMS pass (nms.wgsl) reads. Faces cut by an inner tile edge are
// dropped where the crop asks for it: the neighbouring tile sees them whole.
// CPU twin: decodeRef + candidateToDetection + isCut in src/detect (mergeCrops, before its NMS).
//
// Needs candidate.wgsl in front (struct Record).
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

struct Crop {
  rect: vec4f,       // x, y, w, h of the crop, as fractions of the frame
  drop_edge: vec4u,  // left, top, right, bottom: nonzero where a box touching that edge is dropped
  margin: vec2f,     // how near an edge counts as touching it, as fractions of the frame's width and height
  threshold: f32,
  index: u32,        // the crop's place in the frame's crop list: orders candidates of equal score
  edge_threshold: f32, // below threshold, a box this near a frame border (edge_band of its size) is kept from here
  edge_band: f32,
}

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

// Twin: keepScore(). Coordinates are fractions of the frame, whose borders are 0 and 1.
fn keep_score(c: Crop, score: f32, x: f32, y: f32, w: f32, h: f32) -> bool {
  if (score >= c.threshold) {
    return true;
  }
  if (score < c.edge_threshold) {
    return false;
  }
  let b = c.edge_band;
  return x <= b * w || y <= b * h || x + w >= 1.0 - b * w || y + h >= 1.0 - b * h;
}

// Twin: isCut().
fn is_cut(c: Crop, x: f32, y: f32, w: f32, h: f32) -> bool {
  let r = c.rect;
  return (c.drop_edge.x != 0u && x <= r.x + c.margin.x)
    || (c.drop_edge.y != 0u && y <= r.y + c.margin.y)
    || (c.drop_edge.z != 0u && x + w >= r.x + r.z - c.margin.x)
    || (c.drop_edge.w != 0u && y + h >= r.y + r.w - c.margin.y);
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
  if (score < min(crop.threshold, crop.edge_threshold)) {
    return;
  }
  let anchor = anchors[a];
  let scale = 1.0 / INPUT_SIZE;
  let r = crop.rect;
  let cx = anchor.x + raw_box(slot, a, 0u) * scale;
  let cy = anchor.y + raw_box(slot, a, 1u) * scale;
  let w = raw_box(slot, a, 2u) * scale;
  let h = raw_box(slot, a, 3u) * scale;
  let x = r.x + (cx - w / 2.0) * r.z;
  let y = r.y + (cy - h / 2.0) * r.w;
  if (!keep_score(crop, score, x, y, w * r.z, h * r.w) || is_cut(crop, x, y, w * r.z, h * r.w)) {
    return;
  }
  let slot_out = atomicAdd(&candidates.count, 1u);
  if (slot_out >= MAX_CANDIDATES) {
    return;
  }
  var out: Record;
  out.anchor = a;
  out.crop = crop.index;
  out.score = score;
  out.x = x;
  out.y = y;
  out.w = w * r.z;
  out.h = h * r.w;
  for (var k = 0u; k < KEYPOINTS; k++) {
    out.keypoints[2u * k] = r.x + (anchor.x + raw_box(slot, a, 4u + 2u * k) * scale) * r.z;
    out.keypoints[2u * k + 1u] = r.y + (anchor.y + raw_box(slot, a, 5u + 2u * k) * scale) * r.w;
  }
  candidates.records[slot_out] = out;
}
