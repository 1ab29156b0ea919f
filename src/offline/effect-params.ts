import type { AnonymizeEffect, AnonymizeParams, FaceMask, Rgb } from '../render/anonymize-plan';

export interface EffectOptions {
  effect: AnonymizeEffect;
  /** 0..1, the live app's strength slider: blur sigma, or mosaic blocks across a face. */
  strength: number;
  shape: 'ellipse' | 'box';
  /** The solid effect's fill. */
  color: Rgb;
  /** Draw each mask's outline (a debug overlay). */
  outlines: boolean;
}

/** AnonymizePass params for one frame's masks, for files (never failing closed: every frame is detected). */
export function effectParams(masks: readonly FaceMask[], o: EffectOptions): AnonymizeParams {
  return {
    masks,
    fullFrame: false,
    strength: o.strength,
    shape: o.shape,
    featherPx: 3,
    outlines: o.outlines,
    effect: o.effect,
    color: o.color,
  };
}
