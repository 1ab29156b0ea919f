// Frame -> a TW x TH luma thumbnail: the mean luma (0..255, BT.601 weights on the stored sRGB values) of each cell,
// cell (cx, cy) covering pixels [cx * W / TW, (cx + 1) * W / TW) x [cy * H / TH, (cy + 1) * H / TH) (integer
// division; at least one pixel: span() of cell-span.wgsl, which the pass puts in front). At 32x18 the motion guard
// compares thumbnails to notice a whip pan or a cut before any detection can; at 320 px (lumaSize()) the tracker
// looks for faces in it between detections.
// CPU twin: thumbnailRef() in thumbnail.ts.

override TW: u32 = 32;
override TH: u32 = 18;

@group(0) @binding(0) var frame: texture_2d<f32>;
@group(0) @binding(1) var<storage, read_write> cells: array<f32>;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= TW || id.y >= TH) {
    return;
  }
  let size = textureDimensions(frame);
  let xs = span(id.x, TW, size.x);
  let ys = span(id.y, TH, size.y);
  var sum = 0.0;
  for (var y = ys.x; y < ys.y; y++) {
    for (var x = xs.x; x < xs.y; x++) {
      let c = textureLoad(frame, vec2u(x, y), 0).rgb;
      sum += dot(c, vec3f(0.299, 0.587, 0.114));
    }
  }
  cells[id.y * TW + id.x] = 255.0 * sum / f32((xs.y - xs.x) * (ys.y - ys.x));
}
