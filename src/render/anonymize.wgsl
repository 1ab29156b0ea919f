// Face anonymizer: per-face Gaussian, mosaic, solid fill or mosaic-then-Gaussian ("strong"), composited through
// feathered masks. CPU twin: src/render/anonymize-ref.ts (mask math: src/render/mask-shape.ts), op for op.
//
// Entry points, in dispatch order (src/render/anonymize-pass.ts): copy passes the frame through (or clears it,
// for transparent output) outside the tiles composite writes. mosaic_blocks averages each face's blocks into
// a buffer; for "strong", fill paints those blocks into a frame-sized texture that the blur then reads instead
// of the frame. Faces whose kernel fits MAX_RADIUS blur at full resolution: blur_h (frame -> rows), then the
// vertical half inside composite. Larger faces blur on a coarse grid: downsample, blur_h, blur_v, then
// composite samples the grid bilinearly. Failing closed, full_frame replaces copy and composite with the
// coarse grid's upsampling everywhere. draw_outlines goes last.
//
// Work follows the faces: most stages run over a list of 8x8 tiles (one workgroup each) that the faces'
// spans touch, not over their bounding box (tile_pixel).
//
// Colour: intermediates are rgba8unorm holding sRGB-encoded bytes, but every average is of linear light:
// taps decode through a table (decode), box means and mosaic blocks sum integer fixed-point linear values
// (fixed, exact in any order), and each stage encodes once when it stores (encode), rounding explicitly
// so that the twin rounds alike. Why: src/render/srgb.ts. Alpha is coverage, averaged as it is.

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

// Twin: EffectCode in anonymize-plan.ts. Gaussian and strong take the same path through composite.
const EFFECT_GAUSSIAN: u32 = 0u;
const EFFECT_MOSAIC: u32 = 1u;
const EFFECT_SOLID: u32 = 2u;
const EFFECT_STRONG: u32 = 3u;

const OUTLINE_BLURRED = vec4f(0.0, 255.0, 102.0, 255.0);
const OUTLINE_EXCLUDED = vec4f(255.0, 176.0, 0.0, 255.0);

struct Params {
  color: vec4f,      // solid fill, linear light, alpha 1
  extent: vec2u,     // copy, full_frame: pixels covered
  size: vec2u,       // grid of this pass's input, for clamp-to-edge
  coarseSize: vec2u,
  count: u32,        // faces in use
  factor: u32,       // coarse cell size in frame pixels
  feather: f32,
  level: u32,        // blur_h: 0 serves full-resolution faces, 1 coarse ones
  tileBase: u32,     // tiled stages: this stage's first entry in tiles
  tileCount: u32,
  effect: u32,
  transparent: u32,  // 1: premultiplied overlay, clear outside the masks
  blockThreads: u32, // mosaic_blocks: threads of all faces' blocks
}

struct Face {
  center: vec2f,
  radii: vec2f,
  rect: vec4i,        // inclusive frame span; no coverage or outline outside it
  support: vec4i,     // blur_h output this face needs (frame pixels, or cells if coarse)
  vrect: vec4i,       // cells of blur_v output the composite samples
  blockOrigin: vec2i, // top-left pixel of the face's first mosaic block
  blockCount: vec2u,  // blocks across and down (0 without a mosaic)
  sigma: f32,
  radius: u32,
  kernel: u32,        // index of the face's centre weight in weights
  flags: u32,
  blockSize: u32,     // block side in pixels
  blockBase: u32,     // index of the face's first block in blocks
  blockLanes: u32,    // mosaic_blocks: threads a block
  threadBase: u32,    // mosaic_blocks: the face's first thread
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> faces: array<Face>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read> tiles: array<u32>;       // x | y << 16, in tiles
@group(0) @binding(4) var<storage, read> blocks: array<u32>;      // mosaic block sums, 4 channels a block
@group(0) @binding(5) var<storage, read_write> block_sums: array<atomic<u32>>; // the same buffer, being summed
@group(0) @binding(6) var<storage, read> covered: array<u32>;     // copy: one bit per tile composite writes
@group(0) @binding(7) var<storage, read> srgb: SrgbTables;

// Twin: srgbTables() in src/render/srgb.ts.
struct SrgbTables {
  linear: array<f32, 256>, // linear light of each byte
  fixed: array<u32, 256>,  // the same in FIXED_ONE units
}

const FIXED_ONE: f32 = 4095.0;
const ALPHA_FIXED: u32 = 16u;

// fill writes the mosaic into dst; for "strong" blur_h and downsample then read it as src.
@group(1) @binding(0) var src: texture_2d<f32>;
@group(1) @binding(1) var dst: texture_storage_2d<rgba8unorm, write>;
@group(1) @binding(2) var rows: texture_2d<f32>;    // composite: blur_h output at full resolution
@group(1) @binding(3) var coarse: texture_2d<f32>;  // composite: blur_v output on the coarse grid

fn in_span(s: vec4i, p: vec2i) -> bool {
  return all(p >= s.xy) && all(p <= s.zw);
}

// The pixel (or cell) of a tiled stage's thread; (-1, -1) past the tile list or the grid (`bound`).
// Dispatches fold workgroups beyond the per-dimension limit into y.
fn tile_pixel(wid: vec3u, groups: vec3u, lid: vec3u, bound: vec2u) -> vec2i {
  let k = wid.x + wid.y * groups.x;
  if (k >= params.tileCount) {
    return vec2i(-1);
  }
  let t = tiles[params.tileBase + k];
  let p = vec2u(t & 0xffffu, t >> 16u) * WG + lid.xy;
  if (any(p >= bound)) {
    return vec2i(-1);
  }
  return vec2i(p);
}

fn load(t: texture_2d<f32>, p: vec2i) -> vec4f {
  return round(textureLoad(t, p, 0) * 255.0);
}

// Rounding here (half up), rather than leaving it to the storage write, pins every stage to the twin.
fn store(p: vec2i, c: vec4f) {
  textureStore(dst, p, floor(clamp(c, vec4f(0.0), vec4f(255.0)) + 0.5) / 255.0);
}

// 0..255 sRGB-encoded texel -> linear rgb, alpha 0..1.
fn decode(v: vec4f) -> vec4f {
  let i = vec4u(v);
  return vec4f(srgb.linear[i.r], srgb.linear[i.g], srgb.linear[i.b], v.a / 255.0);
}

fn load_linear(t: texture_2d<f32>, p: vec2i) -> vec4f {
  return decode(load(t, p));
}

// The texel in fixed-point linear units, for integer sums.
fn fixed(v: vec4f) -> vec4u {
  let i = vec4u(v);
  return vec4u(srgb.fixed[i.r], srgb.fixed[i.g], srgb.fixed[i.b], i.a * ALPHA_FIXED);
}

// The mean of n texels summed by fixed(): linear rgb, alpha 0..1.
fn from_fixed(sum: vec4u, n: u32) -> vec4f {
  let s = vec4f(sum);
  return vec4f(s.rgb / (FIXED_ONE * f32(n)), s.a / (f32(ALPHA_FIXED * n) * 255.0));
}

// Linear rgb, alpha 0..1 -> 0..255 sRGB-encoded, unrounded.
fn encode(c: vec4f) -> vec4f {
  let x = clamp(c, vec4f(0.0), vec4f(1.0));
  let curve = select(12.92 * x.rgb, 1.055 * pow(x.rgb, vec3f(1.0 / 2.4)) - 0.055, x.rgb > vec3f(0.0031308));
  return vec4f(curve, x.a) * 255.0;
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

// Linear light.
fn blur_1d(p: vec2i, f: Face, axis: vec2i, last: i32) -> vec4f {
  let along = dot(p, axis);
  var acc = weights[f.kernel] * load_linear(src, p);
  for (var i = 1; i <= i32(f.radius); i++) {
    let a = load_linear(src, p + axis * (max(along - i, 0) - along));
    let b = load_linear(src, p + axis * (min(along + i, last) - along));
    acc += weights[f.kernel + u32(i)] * (a + b);
  }
  return acc;
}

// Everything outside the tiles composite writes: the input, or transparent black for an overlay. Kept apart
// from composite: on a software GPU an early-out inside composite still cost about eight times this plain
// copy. One workgroup is one tile, so the covered test is uniform across it.
@compute @workgroup_size(WG, WG)
fn copy(@builtin(global_invocation_id) id: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let across = (params.extent.x + WG - 1u) / WG;
  let t = wid.y * across + wid.x;
  if (((covered[t / 32u] >> (t % 32u)) & 1u) != 0u || any(id.xy >= params.extent)) {
    return;
  }
  let p = vec2i(id.xy);
  textureStore(dst, p, select(textureLoad(src, p, 0), vec4f(0.0), params.transparent != 0u));
}

// Whether p lies in one of the face's blocks.
fn in_blocks(f: Face, p: vec2i) -> bool {
  let d = p - f.blockOrigin;
  return f.blockSize > 0u && all(d >= vec2i(0)) && all(vec2u(d) / f.blockSize < f.blockCount);
}

// The mean of the block holding p, linear: mosaic_blocks left its sums, and its pixel count follows from
// where it lies (blocks at the frame's edges are cut).
fn block_at(f: Face, p: vec2i) -> vec4f {
  let b = vec2u(p - f.blockOrigin) / f.blockSize;
  let k = f.blockBase + b.y * f.blockCount.x + b.x;
  let corner = f.blockOrigin + vec2i(b * f.blockSize);
  let size = min(corner + i32(f.blockSize), vec2i(params.size)) - max(corner, vec2i(0));
  let n = u32(size.x * size.y);
  let sum = vec4u(blocks[4u * k], blocks[4u * k + 1u], blocks[4u * k + 2u], blocks[4u * k + 3u]);
  return from_fixed(sum, n);
}

// Sums every mosaic block's pixels into block_sums (zeroed before the pass): each face gives every block
// blockLanes threads, one per row modulo blockLanes, so a thread reads about as much for a 2-pixel block as
// for a 100-pixel one, and the atomics add them up. No workgroup barrier: on a software GPU one costs about a
// millisecond a workgroup. Sums stay inside a u32: a block is at most 1024 x 1024 pixels (MAX_BLOCK) of at
// most 4095 units.
@compute @workgroup_size(WG, WG)
fn mosaic_blocks(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
                 @builtin(local_invocation_index) li: u32) {
  let t = (wid.x + wid.y * groups.x) * WG * WG + li;
  if (t >= params.blockThreads) {
    return;
  }
  var face = 0u;
  for (var i = 1u; i < params.count; i++) {
    if (faces[i].blockSize > 0u && t >= faces[i].threadBase) {
      face = i;
    }
  }
  let f = faces[face];
  let local = t - f.threadBase;
  let j = local / f.blockLanes;
  let lane = i32(local % f.blockLanes);
  let corner = f.blockOrigin + vec2i(vec2u(j % f.blockCount.x, j / f.blockCount.x) * f.blockSize);
  let first = max(corner, vec2i(0));
  let end = min(corner + i32(f.blockSize), vec2i(params.size));
  var sum = vec4u(0u);
  for (var y = corner.y + lane; y < end.y; y += i32(f.blockLanes)) {
    if (y < 0) {
      continue;
    }
    for (var x = first.x; x < end.x; x++) {
      sum += fixed(load(src, vec2i(x, y)));
    }
  }
  let k = 4u * (f.blockBase + j);
  for (var c = 0u; c < 4u; c++) {
    if (sum[c] != 0u) {
      atomicAdd(&block_sums[k + c], sum[c]);
    }
  }
}

// "strong": the mosaic of the strongest face whose blocks hold p, where the blur will read it.
@compute @workgroup_size(WG, WG)
fn fill(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let p = tile_pixel(wid, groups, lid, params.size);
  if (p.x < 0) {
    return;
  }
  var best = -1;
  var best_sigma = 0.0;
  for (var i = 0u; i < params.count; i++) {
    let f = faces[i];
    if ((f.flags & FLAG_BLUR) != 0u && in_blocks(f, p) && f.sigma > best_sigma) {
      best = i32(i);
      best_sigma = f.sigma;
    }
  }
  if (best >= 0) {
    store(p, encode(block_at(faces[best], p)));
  }
}

// Box filter: each cell is the mean of the frame pixels it covers (fewer at the right and bottom edges),
// summed in fixed point; the plan keeps factor <= 1024 so the sum fits a u32.
@compute @workgroup_size(WG, WG)
fn downsample(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let at = tile_pixel(wid, groups, lid, params.coarseSize);
  if (at.x < 0) {
    return;
  }
  let cell = vec2u(at);
  let first = cell * params.factor;
  let end = min(first + params.factor, params.size);
  var sum = vec4u(0u);
  for (var y = first.y; y < end.y; y++) {
    for (var x = first.x; x < end.x; x++) {
      sum += fixed(load(src, vec2i(vec2u(x, y))));
    }
  }
  store(vec2i(cell), encode(from_fixed(sum, (end.x - first.x) * (end.y - first.y))));
}

@compute @workgroup_size(WG, WG)
fn blur_h(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let p = tile_pixel(wid, groups, lid, params.size);
  if (p.x < 0) {
    return;
  }
  let best = strongest(p, params.level == 1u, false);
  if (best < 0) {
    return;
  }
  store(p, encode(blur_1d(p, faces[best], vec2i(1, 0), i32(params.size.x) - 1)));
}

@compute @workgroup_size(WG, WG)
fn blur_v(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let p = tile_pixel(wid, groups, lid, params.size);
  if (p.x < 0) {
    return;
  }
  let best = strongest(p, true, true);
  if (best < 0) {
    return;
  }
  store(p, encode(blur_1d(p, faces[best], vec2i(0, 1), i32(params.size.y) - 1)));
}

// Cell centres sit at (i + 0.5) * factor: the cell whose centre is the last at or before pixel p's centre.
// In half pixels positions are integers; adding den keeps the division's operand positive, so it floors.
fn cell_floor(p: vec2i) -> vec2i {
  let den = 2 * i32(params.factor);
  return (2 * p + 1 - i32(params.factor) + den) / den - 1;
}

// Linear light. The weights are integers (half pixels), divided out once at the end.
fn bilinear(p: vec2i) -> vec4f {
  let den = 2 * i32(params.factor);
  let i0 = cell_floor(p);
  let r = vec2f(2 * p + 1 - i32(params.factor) - i0 * den);
  let rest = f32(den) - r;
  let last = vec2i(params.coarseSize) - 1;
  let lo = clamp(i0, vec2i(0), last);
  let hi = clamp(i0 + 1, vec2i(0), last);
  // Vertical first, as full_frame does.
  let left = load_linear(coarse, lo) * rest.y + load_linear(coarse, vec2i(lo.x, hi.y)) * r.y;
  let right = load_linear(coarse, vec2i(hi.x, lo.y)) * rest.y + load_linear(coarse, hi) * r.y;
  return (left * rest.x + right * r.x) / f32(den * den);
}

// Linear light.
fn vertical(p: vec2i, f: Face) -> vec4f {
  let last = i32(params.size.y) - 1;
  var acc = weights[f.kernel] * load_linear(rows, p);
  for (var i = 1; i <= i32(f.radius); i++) {
    let a = load_linear(rows, vec2i(p.x, max(p.y - i, 0)));
    let b = load_linear(rows, vec2i(p.x, min(p.y + i, last)));
    acc += weights[f.kernel + u32(i)] * (a + b);
  }
  return acc;
}

// Every pixel of its tiles: the input blended towards the face's effect by the mask coverage, in linear light
// (or, transparent, the encoded effect premultiplied by coverage, as compositors blend); where no face
// covers, the input (or transparent black), as copy.
@compute @workgroup_size(WG, WG)
fn composite(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let p = tile_pixel(wid, groups, lid, params.size);
  if (p.x < 0) {
    return;
  }
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
  var effect = vec4f(0.0);
  if (best >= 0) {
    let f = faces[best];
    if (params.effect == EFFECT_SOLID) {
      effect = params.color;
    } else if (params.effect == EFFECT_MOSAIC) {
      effect = block_at(f, p);
    } else if ((f.flags & FLAG_COARSE) != 0u) {
      effect = bilinear(p);
    } else {
      effect = vertical(p, f);
    }
  }
  if (params.transparent != 0u) {
    let a = effect.a * alpha;
    store(p, vec4f(encode(effect).rgb * a, 255.0 * a));
  } else if (best < 0) {
    store(p, input);
  } else {
    // Written so that alpha 1 gives exactly `effect`.
    store(p, encode(decode(input) * (1.0 - alpha) + effect * alpha));
  }
}

// Fail-closed output: the blurred coarse grid, upsampled bilinearly, everywhere. Its cells were averaged and
// blurred in linear light; between neighbouring blurred cells, interpolating the encoded bytes instead comes
// within a level of linear light (colour.gpu.test.ts), and keeps this pass free of per-pixel decoding. Cheap on a
// software GPU, where per-pixel arithmetic is the cost: each thread fills a block of up to FULL_BLOCK x
// FULL_BLOCK pixels, no wider than a cell, so its bilinear taps fall within 3 x 3 cells loaded once, and it
// steps positions and weights instead of dividing per pixel.
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
    // are exact in f32 in any order.
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
fn draw_outlines(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let p = tile_pixel(wid, groups, lid, params.size);
  if (p.x < 0) {
    return;
  }
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
