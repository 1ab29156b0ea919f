// Frame -> BlazeFace input: bilinear samples of a crop into a dense NHWC f32 tensor in [-1, 1].
// CPU twin: preprocessRef in src/detect/preprocess.ts, which mirrors this arithmetic op for op.

override WG: u32 = 8;
override SIZE: u32 = 256;

struct Params {
  origin: vec2f,   // frame position of output pixel (0, 0); texel centres are at integers
  step: vec2f,     // frame pixels per output pixel
  outOffset: u32,  // in floats, so the tensor may start anywhere in a shared buffer
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var frame: texture_2d<f32>;
@group(0) @binding(2) var<storage, read_write> tensor: array<f32>;

// Manual bilinear (not textureSampleLevel) so that outside-the-frame is black and results match the twin.
fn texel(p: vec2i, dims: vec2i) -> vec3f {
  if (any(p < vec2i(0)) || any(p >= dims)) {
    return vec3f(0.0);
  }
  return textureLoad(frame, p, 0).rgb;
}

fn lerp(a: vec3f, b: vec3f, t: f32) -> vec3f {
  return a + (b - a) * t;
}

@compute @workgroup_size(WG, WG)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= SIZE || id.y >= SIZE) {
    return;
  }
  let src = params.origin + vec2f(id.xy) * params.step;
  let base = floor(src);
  let t = src - base;
  let p = vec2i(base);
  let dims = vec2i(textureDimensions(frame));
  let top = lerp(texel(p, dims), texel(p + vec2i(1, 0), dims), t.x);
  let bottom = lerp(texel(p + vec2i(0, 1), dims), texel(p + vec2i(1, 1), dims), t.x);
  let rgb = lerp(top, bottom, t.y) * 2.0 - 1.0;
  let o = params.outOffset + (id.y * SIZE + id.x) * 3u;
  tensor[o] = rgb.r;
  tensor[o + 1u] = rgb.g;
  tensor[o + 2u] = rgb.b;
}
