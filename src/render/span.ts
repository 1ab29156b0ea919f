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

export function inSpan(s: Span, x: number, y: number): boolean {
  return x >= s[0] && x <= s[2] && y >= s[1] && y <= s[3];
}
