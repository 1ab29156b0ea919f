#version 300 es
// Frame -> the tracker's luma picture (lumaSize()): thumbnail.wgsl's cell means, drawn one cell a fragment into an
// 8-bit target (whole luma levels, as pictureOf() makes them on the CPU), from the frame's stored bytes (GlFrame.raw),
// as the WGSL pass reads them. CPU twin: thumbnailRef().
precision highp float;
precision highp int;

uniform sampler2D u_frame;
uniform ivec2 u_cells;

out vec4 colour;

ivec2 span(int i, int n, int size) {
  int lo = i * size / n;
  return ivec2(lo, max((i + 1) * size / n, lo + 1));
}

void main() {
  ivec2 cell = ivec2(gl_FragCoord.xy);
  ivec2 size = textureSize(u_frame, 0);
  ivec2 xs = span(cell.x, u_cells.x, size.x);
  ivec2 ys = span(cell.y, u_cells.y, size.y);
  float sum = 0.0;
  for (int y = ys.x; y < ys.y; y++) {
    for (int x = xs.x; x < xs.y; x++) {
      sum += dot(texelFetch(u_frame, ivec2(x, y), 0).rgb, vec3(0.299, 0.587, 0.114));
    }
  }
  colour = vec4(vec3(sum / float((xs.y - xs.x) * (ys.y - ys.x))), 1.0);
}
