// A face candidate, shared by decode.wgsl (which appends them) and nms.wgsl (which ranks them and writes the kept
// ones in the same form). The passes put this file in front of their own source. Coordinates are fractions of the
// frame, y down; (anchor, crop) identifies the candidate and orders equal scores.
struct Record {
  anchor: u32,
  crop: u32,
  score: f32,
  x: f32,
  y: f32,
  w: f32,
  h: f32,
  keypoints: array<f32, 12>,
}
