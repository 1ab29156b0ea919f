// The pixels [lo, hi) that cell i of n covers along a side of `size` pixels: integer division, at least one pixel.
// Put in front of their own source by thumbnail.wgsl's pass and the motion guard's (src/app/motion-guard.wgsl), so
// that both average the cells the CPU's cellMeans() (thumbnail.ts) does.

fn span(i: u32, n: u32, size: u32) -> vec2u {
  let lo = i * size / n;
  return vec2u(lo, max((i + 1u) * size / n, lo + 1u));
}
