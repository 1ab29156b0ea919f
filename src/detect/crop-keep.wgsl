// One crop of a detection, and which of its candidates are kept: shared by the decoders of every model head
// (decode.wgsl for anchors, decode-grid.wgsl for stride grids), which put this file in front of their source.
// CPU twins: keepScore() in src/detect/detector.ts, isCut() in src/detect/tiling.ts.

struct Crop {
  rect: vec4f,        // x, y, w, h of the crop, as fractions of the frame
  dropEdge: vec4u,    // left, top, right, bottom: nonzero where a box touching that edge is dropped
  margin: vec2f,      // how near an edge counts as touching it, as fractions of the frame's width and height
  threshold: f32,
  index: u32,         // the crop's place in the frame's crop list: orders candidates of equal score
  edgeThreshold: f32, // below threshold, a box this near a frame border (edgeBand of its size) is kept from here
  edgeBand: f32,
  tallPx: f32,        // below threshold, a box at least this many input pixels tall is kept from tallThreshold
  tallThreshold: f32,
  inputSize: vec2f,   // the crop's model input, in pixels
}

// The lowest score any rule may keep: decoding skips what is below it.
fn floor_score(c: Crop) -> f32 {
  return min(c.threshold, min(c.edgeThreshold, c.tallThreshold));
}

// Twin: keepScore(). Coordinates are fractions of the frame, whose borders are 0 and 1; h_input is the box's
// height in the crop's input pixels.
fn keep_score(c: Crop, score: f32, x: f32, y: f32, w: f32, h: f32, h_input: f32) -> bool {
  if (score >= c.threshold || (h_input >= c.tallPx && score >= c.tallThreshold)) {
    return true;
  }
  if (score < c.edgeThreshold) {
    return false;
  }
  let b = c.edgeBand;
  return x <= b * w || y <= b * h || x + w >= 1.0 - b * w || y + h >= 1.0 - b * h;
}

// Twin: isCut().
fn is_cut(c: Crop, x: f32, y: f32, w: f32, h: f32) -> bool {
  let r = c.rect;
  return (c.dropEdge.x != 0u && x <= r.x + c.margin.x)
    || (c.dropEdge.y != 0u && y <= r.y + c.margin.y)
    || (c.dropEdge.z != 0u && x + w >= r.x + r.z - c.margin.x)
    || (c.dropEdge.w != 0u && y + h >= r.y + r.w - c.margin.y);
}

// Appends a kept candidate (box in fractions of the crop) in frame fractions; kp holds its keypoints in
// fractions of the crop, unused slots zero.
fn append(c: Crop, anchor: u32, score: f32, box: vec4f, kp: array<f32, 12>) {
  let r = c.rect;
  let x = r.x + box.x * r.z;
  let y = r.y + box.y * r.w;
  let w = box.z * r.z;
  let h = box.w * r.w;
  if (!keep_score(c, score, x, y, w, h, box.w * c.inputSize.y) || is_cut(c, x, y, w, h)) {
    return;
  }
  let slot_out = atomicAdd(&candidates.count, 1u);
  if (slot_out >= MAX_CANDIDATES) {
    return;
  }
  var out: Record;
  out.anchor = anchor;
  out.crop = c.index;
  out.score = score;
  out.x = x;
  out.y = y;
  out.w = w;
  out.h = h;
  for (var k = 0u; k < 6u; k++) {
    out.keypoints[2u * k] = r.x + kp[2u * k] * r.z;
    out.keypoints[2u * k + 1u] = r.y + kp[2u * k + 1u] * r.w;
  }
  candidates.records[slot_out] = out;
}
