// TS twin of the mask math in anonymize.wgsl (mask_distance, coverage); keep the two in step.

/**
 * The solid region is the mask grown by half a pixel diagonal: alpha is sampled at pixel centres, and any pixel
 * whose square touches the mask must be fully anonymized, not partly.
 */
export const SOLID_MARGIN_PX = 0.7072;

/** Width of the debug outline, drawn just inside the mask so pixels outside every mask stay untouched. */
export const OUTLINE_PX = 2;

export interface MaskShape {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  box: boolean;
}

/**
 * Signed distance from a point to the mask edge, negative inside. Exact for boxes. For ellipses it is the
 * distance to the tangent line at the point's radial projection onto the ellipse; the ellipse lies behind that
 * line, so outside it never overestimates the true distance, and the feather errs towards more blur.
 */
export function maskDistance(m: MaskShape, px: number, py: number): number {
  const qx = px - m.cx;
  const qy = py - m.cy;
  if (m.box) {
    const ax = Math.abs(qx) - m.rx;
    const ay = Math.abs(qy) - m.ry;
    return Math.hypot(Math.max(ax, 0), Math.max(ay, 0)) + Math.min(Math.max(ax, ay), 0);
  }
  const rho = Math.hypot(qx / m.rx, qy / m.ry);
  const g = Math.hypot(qx / (m.rx * m.rx), qy / (m.ry * m.ry));
  // Only the centre has no gradient; it is as deep inside as the mask gets.
  if (g === 0) return -Math.min(m.rx, m.ry);
  return ((rho - 1) * rho) / g;
}

/** How much of the blurred image a pixel at signed distance `d` shows: 1 on the solid region, smooth to 0 over the feather. */
export function coverage(d: number, featherPx: number): number {
  if (d <= SOLID_MARGIN_PX) return 1;
  if (d >= SOLID_MARGIN_PX + featherPx) return 0;
  const t = (d - SOLID_MARGIN_PX) / featherPx;
  return 1 - t * t * (3 - 2 * t);
}

/** Whether a pixel at signed distance `d` lies on the outline band. */
export function onOutline(d: number): boolean {
  return d <= 0 && d > -OUTLINE_PX;
}
