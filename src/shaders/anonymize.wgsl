// Face anonymizer: per-face separable Gaussian, composited through feathered masks.
// CPU twin: src/render/anonymize-ref.ts (mask math: src/render/mask-shape.ts), which mirrors it op for op.
//
// Entry points, in dispatch order (src/render/anonymize-pass.ts): copy passes the frame through outside
// the faces' region. Faces whose kernel fits MAX_RADIUS blur at full resolution: blur_h (frame -> rows),
// then the vertical half inside composite. Larger faces blur on a coarse grid: downsample, blur_h, blur_v,
// then composite samples the grid bilinearly. Failing closed, full_frame replaces copy and composite with
// the coarse grid's upsampling everywhere. draw_outlines goes last.
//
// Intermediates are rgba8unorm. Arithmetic runs on 0..255 values, rounded explicitly at each stage: box
// means and bilinear weights are then exact, so rounding ties (frequent in a 2x2 mean) fall as in the twin.

override WG: u32 = 8;
override MAX_RADIUS: u32 = 24;      // taps per side; weights has MAX_RADIUS + 1 floats per face
override SOLID_MARGIN: f32 = 0.7072; // mask grown by half a pixel diagonal before the feather starts
override OUTLINE_PX: f32 = 2.0;
override FULL_BLOCK: u32 = 8u;        // full_frame: pixels a side per thread

const FLAG_BLUR: u32 = 1u;
const FLAG_OUTLINE: u32 = 2u;
const FLAG_EXCLUDED: u32 = 4u;
const FLAG_BOX: u32 = 8u;
const FLAG_COARSE: u32 = 16u;

const OUTLINE_BLURRED = vec4f(0.0, 255.0, 102.0, 255.0);
const OUTLINE_EXCLUDED = vec4f(255.0, 176.0, 0.0, 255.0);

struct Params {
  origin: vec2u,     // first pixel this dispatch covers
  extent: vec2u,     // pixels it covers
  size: vec2u,       // grid of this pass's input, for clamp-to-edge
  coarseSize: vec2u,
  region: vec4i,     // copy: the input passes through untouched outside this span
  count: u32,        // faces in use
  factor: u32,       // coarse cell size in frame pixels
  feather: f32,
  level: u32,        // blur_h: 0 serves full-resolution faces, 1 coarse ones
}

struct Face {
  center: vec2f,
  radii: vec2f,
  rect: vec4i,     // inclusive frame span; no coverage or outline outside it
  support: vec4i,  // blur_h output this face needs (frame pixels, or cells if coarse)
  vrect: vec4i,    // cells of blur_v output the composite samples
  sigma: f32,
  radius: u32,
  kernel: u32,     // index of the face's centre weight in weights
  flags: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> faces: array<Face>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;

@group(1) @binding(0) var src: texture_2d<f32>;
@group(1) @binding(1) var dst: texture_storage_2d<rgba8unorm, write>;
@group(1) @binding(2) var rows: texture_2d<f32>;    // composite: blur_h output at full resolution
@group(1) @binding(3) var coarse: texture_2d<f32>;  // composite: blur_v output on the coarse grid

fn in_span(s: vec4i, p: vec2i) -> bool {
  return all(p >= s.xy) && all(p <= s.zw);
}

fn load(t: texture_2d<f32>, p: vec2i) -> vec4f {
  return round(textureLoad(t, p, 0) * 255.0);
}

// Rounding here (half up), rather than leaving it to the storage write, pins every stage to the twin.
fn store(p: vec2i, c: vec4f) {
  textureStore(dst, p, floor(clamp(c, vec4f(0.0), vec4f(255.0)) + 0.5) / 255.0);
}

// Twin: maskDistance. For ellipses, distance to the tangent at the radial projection: never more than the truth.
fn mask_distance(f: Face, p: vec2f) -> f32 {
  let q = p - f.center;
  if ((f.flags & FLAG_BOX) != 0u) {
    let a = abs(q) - f.radii;
    return length(max(a, vec2f(0.0))) + min(max(a.x, a.y), 0.0);
  }
  let rho = length(q / f.radii);
  let g = length(q / (f.radii * f.radii));
  if (g == 0.0) {
    return -min(f.radii.x, f.radii.y);
  }
  return (rho - 1.0) * rho / g;
}

// Twin: coverage.
fn coverage(d: f32) -> f32 {
  if (d <= SOLID_MARGIN) {
    return 1.0;
  }
  if (d >= SOLID_MARGIN + params.feather) {
    return 0.0;
  }
  let t = (d - SOLID_MARGIN) / params.feather;
  return 1.0 - t * t * (3.0 - 2.0 * t);
}

// The strongest blurring face of this level whose span (support or vrect) holds p; -1 if none. Taking the
// strongest everywhere means a pass never reads a neighbour blurred less than the face it serves wants.
fn strongest(p: vec2i, coarse_level: bool, vertical: bool) -> i32 {
  var best = -1;
  var best_sigma = 0.0;
  for (var i = 0u; i < params.count; i++) {
    let f = faces[i];
    if ((f.flags & FLAG_BLUR) == 0u || ((f.flags & FLAG_COARSE) != 0u) != coarse_level) {
      continue;
    }
    let span = select(f.support, f.vrect, vertical);
    if (in_span(span, p) && f.sigma > best_sigma) {
      best = i32(i);
      best_sigma = f.sigma;
    }
  }
  return best;
}

fn blur_1d(p: vec2i, f: Face, axis: vec2i, last: i32) -> vec4f {
  let along = dot(p, axis);
  var acc = weights[f.kernel] * load(src, p);
  for (var i = 1; i <= i32(f.radius); i++) {
    let a = load(src, p + axis * (max(along - i, 0) - along));
    let b = load(src, p + axis * (min(along + i, last) - along));
    acc += weights[f.kernel + u32(i)] * (a + b);
  }
  return acc;
}

// Everything outside the faces' region. Kept apart from composite: on a software GPU an early-out inside
// composite still cost about eight times this plain copy.
@compute @workgroup_size(WG, WG)
fn copy(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= params.extent)) {
    return;
  }
  let p = vec2i(id.xy);
  if (!in_span(params.region, p)) {
    textureStore(dst, p, textureLoad(src, p, 0));
  }
}

// Box filter: each cell is the mean of the frame pixels it covers (fewer at the right and bottom edges),
// in integers; the plan keeps factor <= 4096 so the sum fits a u32.
@compute @workgroup_size(WG, WG)
fn downsample(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= params.extent)) {
    return;
  }
  let cell = params.origin + id.xy;
  let first = cell * params.factor;
  let end = min(first + params.factor, params.size);
  var sum = vec4u(0u);
  for (var y = first.y; y < end.y; y++) {
    for (var x = first.x; x < end.x; x++) {
      sum += vec4u(load(src, vec2i(vec2u(x, y))));
    }
  }
  let n = (end.x - first.x) * (end.y - first.y);
  textureStore(dst, cell, vec4f((sum + n / 2u) / n) / 255.0);
}

@compute @workgroup_size(WG, WG)
fn blur_h(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= params.extent)) {
    return;
  }
  let p = vec2i(params.origin + id.xy);
  let best = strongest(p, params.level == 1u, false);
  if (best < 0) {
    return;
  }
  store(p, blur_1d(p, faces[best], vec2i(1, 0), i32(params.size.x) - 1));
}

@compute @workgroup_size(WG, WG)
fn blur_v(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= params.extent)) {
    return;
  }
  let p = vec2i(params.origin + id.xy);
  let best = strongest(p, true, true);
  if (best < 0) {
    return;
  }
  store(p, blur_1d(p, faces[best], vec2i(0, 1), i32(params.size.y) - 1));
}

// Cell centres sit at (i + 0.5) * factor: the cell whose centre is the last at or before pixel p's centre.
// In half pixels positions are integers; adding den keeps the division's operand positive, so it floors.
fn cell_floor(p: vec2i) -> vec2i {
  let den = 2 * i32(params.factor);
  return (2 * p + 1 - i32(params.factor) + den) / den - 1;
}

// The bilinear weights are integers too, so the weighted sum is exact (up to factor 128, where it stays
// below 2^24) and only the final division rounds.
fn bilinear(p: vec2i) -> vec4f {
  let den = 2 * i32(params.factor);
  let i0 = cell_floor(p);
  let r = vec2f(2 * p + 1 - i32(params.factor) - i0 * den);
  let rest = f32(den) - r;
  let last = vec2i(params.coarseSize) - 1;
  let lo = clamp(i0, vec2i(0), last);
  let hi = clamp(i0 + 1, vec2i(0), last);
  let top = load(coarse, lo) * rest.x + load(coarse, vec2i(hi.x, lo.y)) * r.x;
  let bottom = load(coarse, vec2i(lo.x, hi.y)) * rest.x + load(coarse, hi) * r.x;
  return (top * rest.y + bottom * r.y) / f32(den * den);
}

fn vertical(p: vec2i, f: Face) -> vec4f {
  let last = i32(params.size.y) - 1;
  var acc = weights[f.kernel] * load(rows, p);
  for (var i = 1; i <= i32(f.radius); i++) {
    let a = load(rows, vec2i(p.x, max(p.y - i, 0)));
    let b = load(rows, vec2i(p.x, min(p.y + i, last)));
    acc += weights[f.kernel + u32(i)] * (a + b);
  }
  return acc;
}

@compute @workgroup_size(WG, WG)
fn composite(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= params.extent)) {
    return;
  }
  let p = vec2i(params.origin + id.xy);
  let input = load(src, p);
  let centre = vec2f(p) + 0.5;
  var alpha = 0.0;
  var best = -1;
  var best_sigma = 0.0;
  for (var i = 0u; i < params.count; i++) {
    let f = faces[i];
    if (!in_span(f.rect, p)) {
      continue;
    }
    if ((f.flags & FLAG_BLUR) != 0u) {
      let a = coverage(mask_distance(f, centre));
      if (a > 0.0) {
        alpha = max(alpha, a);
        if (f.sigma > best_sigma) {
          best = i32(i);
          best_sigma = f.sigma;
        }
      }
    }
  }
  var c = input;
  if (best >= 0) {
    let f = faces[best];
    var blurred: vec4f;
    if ((f.flags & FLAG_COARSE) != 0u) {
      blurred = bilinear(p);
    } else {
      blurred = vertical(p, f);
    }
    // Written so that alpha 1 gives exactly `blurred`.
    c = input * (1.0 - alpha) + blurred * alpha;
  }
  store(p, c);
}

// Fail-closed output: the blurred coarse grid, upsampled bilinearly, everywhere; the same values composite
// gives for the cover face. Cheap on a software GPU, where per-pixel arithmetic is the cost: each thread
// fills a block of up to FULL_BLOCK x FULL_BLOCK pixels, no wider than a cell, so its bilinear taps fall
// within 3 x 3 cells loaded once, and it steps positions and weights instead of dividing per pixel.
// (No workgroup memory: a tiled version with barriers ran ten times slower on SwiftShader.)
@compute @workgroup_size(WG, WG)
fn full_frame(@builtin(global_invocation_id) id: vec3u) {
  let b = i32(min(FULL_BLOCK, params.factor));
  let block = vec2i(id.xy) * b;
  if (any(block >= vec2i(params.extent))) {
    return;
  }
  let end = min(block + b, vec2i(params.extent));
  let first = cell_floor(block);
  let last = vec2i(params.coarseSize) - 1;
  var cache: array<vec4f, 9>;
  for (var k = 0; k < 9; k++) {
    cache[k] = load(coarse, clamp(first + vec2i(k % 3, k / 3), vec2i(0), last));
  }
  let den = 2 * i32(params.factor);
  let area = f32(den * den);
  // Half-pixel offset of the block's first pixel past its cell's centre, as in bilinear.
  let r0 = 2 * block + 1 - i32(params.factor) - first * den;
  var ry = r0.y;
  var row = 0; // index in cache of the current cell row
  for (var y = block.y; y < end.y; y++) {
    if (ry >= den) {
      ry -= den;
      row += 3;
    }
    // The vertical blend of each cell column, once per row. Integer-valued products and sums below 2^24
    // are exact in f32 in any order, so this equals bilinear's horizontal-first order.
    var column: array<vec4f, 3>;
    for (var k = 0; k < 3; k++) {
      column[k] = cache[row + k] * f32(den - ry) + cache[row + k + 3] * f32(ry);
    }
    var rx = r0.x;
    var at = 0;
    for (var x = block.x; x < end.x; x++) {
      if (rx >= den) {
        rx -= den;
        at += 1;
      }
      store(vec2i(x, y), (column[at] * f32(den - rx) + column[at + 1] * f32(rx)) / area);
      rx += 2;
    }
    ry += 2;
  }
}

// Last, over what copy, composite or full_frame wrote: each outlined face's edge, a band just inside its
// mask. A pass of its own keeps this branchy loop out of the per-pixel passes above.
@compute @workgroup_size(WG, WG)
fn draw_outlines(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= params.extent)) {
    return;
  }
  let p = vec2i(params.origin + id.xy);
  var hit = false;
  var colour = OUTLINE_BLURRED;
  for (var i = 0u; i < params.count; i++) {
    let f = faces[i];
    if ((f.flags & FLAG_OUTLINE) != 0u && in_span(f.rect, p)) {
      let d = mask_distance(f, vec2f(p) + 0.5);
      if (d <= 0.0 && d > -OUTLINE_PX) {
        hit = true;
        colour = select(OUTLINE_BLURRED, OUTLINE_EXCLUDED, (f.flags & FLAG_EXCLUDED) != 0u);
      }
    }
  }
  if (hit) {
    store(p, colour);
  }
}
