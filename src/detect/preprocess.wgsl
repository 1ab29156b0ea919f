// Frame -> a face model's input: bilinear samples of a crop into a dense f32 tensor, in the model's layout
// (NHWC or NCHW), channel order and value range (texel * SCALE + OFFSET).
// CPU twin: preprocessRef in src/detect/preprocess.ts, which mirrors this arithmetic op for op.

override WG: u32 = 8;
override NCHW: bool = false;
override BGR: bool = false;
override SCALE: f32 = 2.0;
override OFFSET: f32 = -1.0;

struct Params {
  origin: vec2f,   // frame position of output pixel (0, 0); texel centres are at integers
  step: vec2f,     // frame pixels per output pixel
  outOffset: u32,  // in floats, so the tensor may start anywhere in a shared buffer
  width: u32,      // the tensor's width and height in pixels
  height: u32,
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
  if (id.x >= params.width || id.y >= params.height) {
    return;
  }
  let src = params.origin + vec2f(id.xy) * params.step;
  let base = floor(src);
  let t = src - base;
  let p = vec2i(base);
  let dims = vec2i(textureDimensions(frame));
  let top = lerp(texel(p, dims), texel(p + vec2i(1, 0), dims), t.x);
  let bottom = lerp(texel(p + vec2i(0, 1), dims), texel(p + vec2i(1, 1), dims), t.x);
  var v = lerp(top, bottom, t.y) * SCALE + OFFSET;
  if (BGR) {
    v = v.bgr;
  }
  let pixel = id.y * params.width + id.x;
  if (NCHW) {
    let plane = params.width * params.height;
    tensor[params.outOffset + pixel] = v.x;
    tensor[params.outOffset + plane + pixel] = v.y;
    tensor[params.outOffset + 2u * plane + pixel] = v.z;
  } else {
    let o = params.outOffset + pixel * 3u;
    tensor[o] = v.x;
    tensor[o + 1u] = v.y;
    tensor[o + 2u] = v.z;
  }
}
