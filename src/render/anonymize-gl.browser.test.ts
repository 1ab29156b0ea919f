// The WebGL2 anonymize pass against the CPU twin of the WGSL pass (anonymizeRef), in Chromium (Vitest's browser
// mode; WebGL2 on SwiftShader). The two plans are the same (planAnonymize); the drawing differs where the WebGL2
// pass approximates (the mosaic's block mean from 4x4 samples of a mip level; a face blurred on a mip level, whose
// 2x2 means are the coarse grid's box filter at level 1), so on the covers they are compared by how far apart they
// are (measured 2026-12-07: Gaussian mean 0.00-0.04 levels, at most 1; mosaic 0.66, strong 1.03; the fail-closed
// cover 0.77), and outside every cover the output must be the input exactly.
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../core/types';
import { acquireGl, GlFrame, readCanvas } from '../gpu/gl-context';
import { GpuCensus } from '../gpu/resource-census';
import { random } from '../testing/random';
import { AnonymizeGl } from './anonymize-gl';
import { FaceFlag, planAnonymize, type AnonymizeParams } from './anonymize-plan';
import { anonymizeRef } from './anonymize-ref';
import { coverage, maskDistance, onOutline, SOLID_MARGIN_PX } from './mask-shape';
import { inSpan } from './span';

const W = 160;
const H = 120;

/** Smooth shapes and noise, opaque as a camera's frame is. */
function picture(seed: number): RgbaImage {
  const next = random(seed);
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4;
      data[i] = (x * 3 + next() * 60) & 255;
      data[i + 1] = (y * 2 + next() * 60) & 255;
      data[i + 2] = ((x ^ y) * 4 + next() * 40) & 255;
      data[i + 3] = 255;
    }
  }
  return { width: W, height: H, data };
}

function params(over: Partial<AnonymizeParams>): AnonymizeParams {
  return { masks: [], fullFrame: false, strength: 0.5, shape: 'ellipse', featherPx: 3, outlines: false, ...over };
}

/** AnonymizeGl's output for `img`, read back top row first; the frame uploaded once (GlFrame's software path) or twice. */
function runGl(img: RgbaImage, p: AnonymizeParams, uploadOnce = true): RgbaImage {
  const canvas = new OffscreenCanvas(img.width, img.height);
  const { gl } = acquireGl(canvas, p.transparent === true);
  const frame = new GlFrame(gl, { uploadOnce });
  const pass = new AnonymizeGl(gl);
  try {
    frame.import(new ImageData(new Uint8ClampedArray(img.data), img.width), img.width, img.height);
    pass.draw(frame, p);
    return readCanvas(gl, img.width, img.height);
  } finally {
    pass.destroy();
    frame.destroy();
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

type Region = 'outside' | 'solid' | 'feather' | 'outline';

/** Where a pixel lies for the plan: outside every cover and outline, on a cover's solid part or its feather, on an outline. */
function regions(p: AnonymizeParams): (x: number, y: number) => Region {
  const plan = planAnonymize(W, H, p);
  return (x, y) => {
    let region: Region = 'outside';
    for (const f of plan.faces) {
      if (!inSpan(f.rect, x, y)) continue;
      const d = maskDistance(f, x + 0.5, y + 0.5);
      if (f.flags & FaceFlag.outline && onOutline(d)) return 'outline';
      if (f.flags & FaceFlag.blur && d <= SOLID_MARGIN_PX) region = 'solid';
      else if (f.flags & FaceFlag.blur && coverage(d, plan.featherPx) > 0 && region === 'outside') region = 'feather';
    }
    return region;
  };
}

interface Gap {
  /** Mean and largest absolute difference of the colour channels over the cover's solid part. */
  mean: number;
  max: number;
}

/** The GL output against the twin: exact outside every cover; on the covers, how far apart. */
function compareToTwin(img: RgbaImage, p: AnonymizeParams): { gl: RgbaImage; ref: RgbaImage; gap: Gap } {
  const gl = runGl(img, p);
  const ref = anonymizeRef(img, p);
  const where = regions(p);
  const transparent = planAnonymize(W, H, p).transparent;
  let sum = 0;
  let n = 0;
  let max = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4;
      const region = where(x, y);
      if (region === 'outside') {
        const want = transparent ? [0, 0, 0, 0] : Array.from(img.data.subarray(i, i + 4));
        expect(Array.from(gl.data.subarray(i, i + 4)), `pixel ${x},${y} outside every cover`).toEqual(want);
      } else if (region === 'solid') {
        for (let c = 0; c < 3; c++) {
          const d = Math.abs(gl.data[i + c]! - ref.data[i + c]!);
          sum += d;
          n++;
          max = Math.max(max, d);
        }
      }
    }
  }
  return { gl, ref, gap: { mean: sum / n, max } };
}

const FACES = [
  { cx: 50, cy: 55, rx: 18, ry: 24 },
  { cx: 115, cy: 60, rx: 30, ry: 38 },
];

describe('AnonymizeGl against the CPU twin of the WGSL pass', () => {
  it('gaussian: the covers close to the twin, outside them the input exactly', () => {
    const { gap } = compareToTwin(picture(1), params({ masks: FACES }));
    expect(gap.mean).toBeLessThan(0.5);
    expect(gap.max).toBeLessThanOrEqual(3);
  });

  it('a box mask and a face large enough to blur on a coarser level', () => {
    const masks = [{ cx: 80, cy: 60, rx: 70, ry: 55 }];
    const { gap } = compareToTwin(picture(2), params({ masks, shape: 'box', strength: 1 }));
    expect(gap.mean).toBeLessThan(0.5);
    expect(gap.max).toBeLessThanOrEqual(3);
  });

  it('solid: the colour asked for, exactly, on the solid part', () => {
    const { gap } = compareToTwin(picture(3), params({ masks: FACES, effect: 'solid', color: [200, 30, 90] }));
    expect(gap.max).toBeLessThanOrEqual(1);
  });

  it('mosaic and strong: close to the twin', () => {
    for (const [effect, bound] of [
      ['mosaic', 2],
      ['strong', 2.5],
    ] as const) {
      const { gap } = compareToTwin(picture(4), params({ masks: FACES, effect }));
      expect(gap.mean, effect).toBeLessThan(bound);
    }
  });

  it('outlines: the outline colour on every band pixel, green where blurred and amber where shown', () => {
    const masks = [FACES[0]!, { ...FACES[1]!, excluded: true }];
    const p = params({ masks, outlines: true });
    const { gl } = compareToTwin(picture(5), p);
    const plan = planAnonymize(W, H, p);
    for (const f of plan.faces) {
      const want = f.flags & FaceFlag.excluded ? [255, 176, 0] : [0, 255, 102];
      for (let y = f.rect[1]; y <= f.rect[3]; y++) {
        for (let x = f.rect[0]; x <= f.rect[2]; x++) {
          if (!onOutline(maskDistance(f, x + 0.5, y + 0.5))) continue;
          const i = (y * W + x) * 4;
          expect(Array.from(gl.data.subarray(i, i + 3)), `outline pixel ${x},${y}`).toEqual(want);
        }
      }
    }
  });

  it('transparent: alpha 0 outside the covers, the coverage inside, colour premultiplied', () => {
    const p = params({ masks: FACES, transparent: true });
    const { gl, ref, gap } = compareToTwin(picture(6), p);
    expect(gap.mean).toBeLessThan(0.5);
    const where = regions(p);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (where(x, y) !== 'solid') continue;
        const i = (y * W + x) * 4;
        expect(gl.data[i + 3], `alpha at ${x},${y}`).toBe(255);
        expect(ref.data[i + 3]).toBe(255);
      }
    }
  });

  it('fail closed: the whole frame covered, as far from the input as the twin is', () => {
    const img = picture(7);
    const p = params({ masks: FACES, fullFrame: true });
    const gl = runGl(img, p);
    const ref = anonymizeRef(img, p);
    let gap = 0;
    let change = 0;
    for (let i = 0; i < img.data.length; i++) {
      if (i % 4 === 3) continue;
      gap += Math.abs(gl.data[i]! - ref.data[i]!);
      change += Math.abs(gl.data[i]! - img.data[i]!);
    }
    const channels = (img.data.length / 4) * 3;
    expect(gap / channels).toBeLessThan(2);
    // The noise is gone everywhere: the output is far from the input, as the twin's is.
    expect(change / channels).toBeGreaterThan(15);
  });
});

describe('GlFrame', () => {
  it('uploaded once and copied through a pixel buffer, draws what it draws uploaded twice, byte for byte', () => {
    const img = picture(5);
    const p = params({
      masks: [
        { cx: 60, cy: 50, rx: 30, ry: 36 },
        { cx: 150, cy: 90, rx: 12, ry: 14 },
      ],
    });
    expect(Array.from(runGl(img, p, true).data)).toEqual(Array.from(runGl(img, p, false).data));
  });
});

describe('objects on the context', () => {
  it('do not grow as faces of new sizes need coarser levels: every level is made with its texture', () => {
    const canvas = new OffscreenCanvas(W, H);
    const { gl } = acquireGl(canvas, false);
    const census = new GpuCensus();
    census.watchGl(gl, canvas);
    const frame = new GlFrame(gl, { uploadOnce: true });
    const pass = new AnonymizeGl(gl);
    try {
      frame.import(new ImageData(new Uint8ClampedArray(picture(3).data), W, H), W, H);
      pass.draw(frame, params({ masks: [{ cx: 40, cy: 40, rx: 6, ry: 8 }] }));
      const small = census.alive();
      // A face ten times the size blurs with a wider kernel, on a coarser level of the same textures.
      pass.draw(frame, params({ masks: [{ cx: 80, cy: 60, rx: 60, ry: 55 }] }));
      expect(census.alive()).toEqual(small);
    } finally {
      pass.destroy();
      frame.destroy();
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  });
});
