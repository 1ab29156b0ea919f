#version 300 es
// One direction of a face's separable Gaussian, in linear light (the textures are sRGB: sampling decodes, the
// sRGB target encodes). The pass draws into mip level u_lod of its target, one texel per 2^u_lod frame pixels, and
// its taps are that level's neighbouring texels (u_weights: the half kernel in texels, centre first), so a face of
// any size needs at most MAX_RADIUS taps a side and as many fragments as its blur has detail: the level's box
// filter keeps what the wider spacing would alias, as the WebGPU pass's coarse grid does. For "strong" the row pass
// reads the face's mosaic instead of the frame, so what it blurs holds no more than the blocks.
precision highp float;

uniform sampler2D u_src;
uniform vec2 u_size;
uniform vec2 u_dir;
uniform int u_radius;
uniform float u_lod;
uniform float u_weights[MAX_RADIUS + 1];
/** > 0: sample blocks of this side (frame pixels), anchored at u_block_origin. */
uniform float u_block;
uniform vec2 u_block_origin;
uniform float u_block_lod;

out vec4 colour;

//#include block_mean

vec4 tap(vec2 uv) {
  return u_block > 0.0 ? block_mean(u_src, uv * u_size) : textureLod(u_src, uv, u_lod);
}

void main() {
  // The target's level has the size of the source's.
  vec2 level = vec2(textureSize(u_src, int(u_lod)));
  vec2 uv = gl_FragCoord.xy / level;
  vec2 texel = u_dir / level;
  vec4 sum = u_weights[0] * tap(uv);
  for (int i = 1; i <= u_radius; i++) {
    sum += u_weights[i] * (tap(uv + float(i) * texel) + tap(uv - float(i) * texel));
  }
  colour = sum;
}
