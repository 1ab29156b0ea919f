// Benchmark baseline, not used by the app: a plain full-frame separable blur of radius RADIUS (2 * RADIUS + 1
// taps a pass, equal weights), horizontal then vertical, rgba8unorm to rgba8unorm: what
// ../shared/gpu/README.md measured. Two variants of each pass: `*_loop` loads every tap; `*_linear` uses the
// linear-sampling trick, one bilinear fetch between each pair of taps (RADIUS + 1 fetches).

override WG: u32 = 8;
override RADIUS: i32 = 15;

@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var dst: texture_storage_2d<rgba8unorm, write>;
@group(0) @binding(2) var bilinear: sampler;

fn blur_loop(p: vec2i, axis: vec2i) -> vec4f {
  let last = vec2i(textureDimensions(src)) - 1;
  var acc = vec4f(0.0);
  for (var i = -RADIUS; i <= RADIUS; i++) {
    acc += textureLoad(src, clamp(p + axis * i, vec2i(0), last), 0);
  }
  return acc / f32(2 * RADIUS + 1);
}

// Equal weights: the pair (2k - 1, 2k) sits at offset 2k - 0.5, and the centre tap with tap 1 pairs off
// unevenly, so fetch the centre alone and pair taps (1, 2), (3, 4), ... on each side.
fn blur_linear(p: vec2i, axis: vec2i) -> vec4f {
  let size = vec2f(textureDimensions(src));
  let centre = (vec2f(p) + 0.5) / size;
  let step = vec2f(axis) / size;
  var acc = textureSampleLevel(src, bilinear, centre, 0.0);
  for (var k = 1; k <= RADIUS / 2; k++) {
    let offset = f32(2 * k) - 0.5;
    acc += 2.0 * (textureSampleLevel(src, bilinear, centre + step * offset, 0.0)
      + textureSampleLevel(src, bilinear, centre - step * offset, 0.0));
  }
  if (RADIUS % 2 == 1) {
    acc += textureSampleLevel(src, bilinear, centre + step * f32(RADIUS), 0.0)
      + textureSampleLevel(src, bilinear, centre - step * f32(RADIUS), 0.0);
  }
  return acc / f32(2 * RADIUS + 1);
}

@compute @workgroup_size(WG, WG)
fn h_loop(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= textureDimensions(src))) {
    return;
  }
  textureStore(dst, vec2i(id.xy), blur_loop(vec2i(id.xy), vec2i(1, 0)));
}

@compute @workgroup_size(WG, WG)
fn v_loop(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= textureDimensions(src))) {
    return;
  }
  textureStore(dst, vec2i(id.xy), blur_loop(vec2i(id.xy), vec2i(0, 1)));
}

@compute @workgroup_size(WG, WG)
fn h_linear(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= textureDimensions(src))) {
    return;
  }
  textureStore(dst, vec2i(id.xy), blur_linear(vec2i(id.xy), vec2i(1, 0)));
}

@compute @workgroup_size(WG, WG)
fn v_linear(@builtin(global_invocation_id) id: vec3u) {
  if (any(id.xy >= textureDimensions(src))) {
    return;
  }
  textureStore(dst, vec2i(id.xy), blur_linear(vec2i(id.xy), vec2i(0, 1)));
}
