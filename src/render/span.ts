/** An inclusive pixel rectangle [x0, y0, x1, y1]; empty when x0 > x1 or y0 > y1. */
export type Span = readonly [number, number, number, number];

export const EMPTY_SPAN: Span = [0, 0, -1, -1];

export function isEmpty(s: Span): boolean {
  return s[0] > s[2] || s[1] > s[3];
}

export function clampSpan(s: Span, width: number, height: number): Span {
  const c: Span = [Math.max(s[0], 0), Math.max(s[1], 0), Math.min(s[2], width - 1), Math.min(s[3], height - 1)];
  return isEmpty(c) ? EMPTY_SPAN : c;
}

/** The bounding span of both; cheap to dispatch over, though it may hold pixels neither needs. */
export function unionSpan(a: Span, b: Span): Span {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

export function inSpan(s: Span, x: number, y: number): boolean {
  return x >= s[0] && x <= s[2] && y >= s[1] && y <= s[3];
}

export function spanSize(s: Span): [number, number] {
  return isEmpty(s) ? [0, 0] : [s[2] - s[0] + 1, s[3] - s[1] + 1];
}
