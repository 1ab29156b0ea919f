// The motion guard on the frame it covers. WebGPU reads pictures back a frame late, so the CPU's guard judges a
// whip's or a cut's first frame by the frame before it and that frame's faces would be drawn where they were; here
// the frame's own thumbnail decides, in the same command buffer as its cover.
//
// One workgroup: the TW x TH thumbnail of the frame's picture (the tracker's lumaSize() cells of luma, as
// thumbnailOfPicture() averages them), stored in slot `now` of a ring of recent frames' thumbnails; its mean
// absolute change from slot `then` (the newest result's frame) and from slot `previous` (the frame before); and
// unless the guard trips, every indirect dispatch argument in `args` zeroed, so that the whole-frame cover encoded
// after it dispatches nothing. CPU twin: MotionGuard.tripped() in motion-guard.ts, fed thumbnailOfPicture().

override TW: u32 = 32;
override TH: u32 = 18;
const LANES = 64u;
const NONE = 0xffffffffu;

struct Guard {
  picture_w: u32,
  picture_h: u32,
  now: u32,
  // NONE: the frame is the result's own, nothing moved since it.
  then: u32,
  // NONE: no frame before this one.
  previous: u32,
  // Mean change from `then` that trips the guard, and from `previous` (motion in progress).
  moved: f32,
  moving: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> g: Guard;
@group(0) @binding(1) var<storage, read> picture: array<f32>;
@group(0) @binding(2) var<storage, read_write> ring: array<f32>;
@group(0) @binding(3) var<storage, read_write> args: array<u32>;

var<workgroup> sums: array<vec2f, LANES>;
var<workgroup> tripped: bool;

fn cell(c: u32) -> f32 {
  let xs = span(c % TW, TW, g.picture_w);
  let ys = span(c / TW, TH, g.picture_h);
  var sum = 0.0;
  for (var y = ys.x; y < ys.y; y++) {
    for (var x = xs.x; x < xs.y; x++) {
      sum += picture[y * g.picture_w + x];
    }
  }
  return sum / f32((xs.y - xs.x) * (ys.y - ys.x));
}

@compute @workgroup_size(LANES)
fn main(@builtin(local_invocation_index) lane: u32) {
  let cells = TW * TH;
  var change = vec2f(0.0);
  for (var c = lane; c < cells; c += LANES) {
    let v = cell(c);
    ring[g.now * cells + c] = v;
    if (g.then != NONE) {
      change.x += abs(v - ring[g.then * cells + c]);
    }
    if (g.previous != NONE) {
      change.y += abs(v - ring[g.previous * cells + c]);
    }
  }
  sums[lane] = change;
  workgroupBarrier();
  for (var half = LANES / 2u; half > 0u; half /= 2u) {
    if (lane < half) {
      sums[lane] += sums[lane + half];
    }
    workgroupBarrier();
  }
  if (lane == 0u) {
    let mean = sums[0] / f32(cells);
    tripped = (g.then != NONE && mean.x > g.moved) || (g.previous != NONE && mean.y > g.moving);
  }
  let trip = workgroupUniformLoad(&tripped);
  if (!trip) {
    for (var k = lane; k < arrayLength(&args); k += LANES) {
      args[k] = 0u;
    }
  }
}
