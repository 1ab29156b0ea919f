#version 300 es
// Draws one face's cover onto the output canvas (rows bottom first: flipped to the frame's rows here). Coverage is
// mask-shape.ts's (mask_distance, coverage); the cover is the blurred face, its mosaic, or a solid colour; the
// outline band lies just inside the mask. Colour leaves encoded as sRGB: the canvas holds encoded bytes.
precision highp float;

uniform sampler2D u_frame;
uniform sampler2D u_blurred;
uniform vec2 u_size;
uniform vec4 u_face;       // cx, cy, rx, ry in frame pixels
uniform bool u_box;
uniform float u_feather;
uniform float u_margin;    // SOLID_MARGIN_PX
/** 0: blurred, 1: mosaic, 2: solid, 3: outline only. */
uniform int u_cover;
uniform vec3 u_colour;     // solid fill, or the outline's colour, 0..1 encoded
uniform float u_block;
uniform vec2 u_block_origin;
uniform float u_block_lod;
/** The mip level of u_blurred the face's blur was drawn on. */
uniform float u_lod;
uniform float u_outline_px;
/** Premultiplied output with alpha = coverage (a transparent overlay); otherwise alpha blends over the frame. */
uniform bool u_transparent;

out vec4 colour;

float mask_distance(vec2 p) {
  vec2 q = p - u_face.xy;
  vec2 r = u_face.zw;
  if (u_box) {
    vec2 a = abs(q) - r;
    return length(max(a, vec2(0.0))) + min(max(a.x, a.y), 0.0);
  }
  float rho = length(q / r);
  float g = length(q / (r * r));
  if (g == 0.0) return -min(r.x, r.y);
  return (rho - 1.0) * rho / g;
}

float coverage(float d) {
  if (d <= u_margin) return 1.0;
  if (d >= u_margin + u_feather) return 0.0;
  float t = (d - u_margin) / u_feather;
  return 1.0 - t * t * (3.0 - 2.0 * t);
}

//#include encode

//#include block_mean

void main() {
  vec2 p = vec2(gl_FragCoord.x, u_size.y - gl_FragCoord.y);
  float d = mask_distance(p);
  if (u_cover == 3) {
    if (!(d <= 0.0 && d > -u_outline_px)) discard;
    colour = vec4(u_colour, 1.0);
    return;
  }
  float a = coverage(d);
  if (a <= 0.0) discard;
  vec3 c;
  if (u_cover == 0) c = encode(textureLod(u_blurred, p / u_size, u_lod).rgb);
  else if (u_cover == 1) c = encode(block_mean(u_frame, p).rgb);
  else c = u_colour;
  colour = u_transparent ? vec4(c * a, a) : vec4(c, a);
}
