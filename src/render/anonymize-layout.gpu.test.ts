import { describe, expect, it } from 'vitest';
import code from './anonymize.wgsl?raw';
import { structLayout } from '../gpu/wgsl-layout';
import { ANONYMIZE_FACE, ANONYMIZE_PARAMS, KERNEL_STRIDE, packFaces } from './anonymize-layout';
import { EffectCode, FaceFlag, MAX_RADIUS, planAnonymize } from './anonymize-plan';
import { params } from '../testing/anonymize-test-utils';
import { srgbTables } from './srgb';

describe('anonymize layouts', () => {
  it('writes params and faces where the WGSL structs read them', () => {
    expect(structLayout(code, 'Params')).toEqual(ANONYMIZE_PARAMS);
    expect(structLayout(code, 'Face')).toEqual(ANONYMIZE_FACE);
  });

  it('reads the sRGB tables where the pass writes them: linear, then fixed', () => {
    const { linear, fixed } = srgbTables();
    expect(structLayout(code, 'SrgbTables')).toEqual({
      linear: 0,
      fixed: linear.byteLength,
      byteSize: linear.byteLength + fixed.byteLength,
    });
  });

  it('numbers effects and face flags as the WGSL does', () => {
    const consts = (prefix: string) =>
      Object.fromEntries(
        [...code.matchAll(new RegExp(`const ${prefix}_(\\w+): u32 = (\\d+)u;`, 'g'))].map(([, name, value]) => [
          name.toLowerCase(),
          Number(value),
        ]),
      );
    expect(consts('EFFECT')).toEqual(EffectCode);
    expect(consts('FLAG')).toEqual(FaceFlag);
  });

  it('gives the shader the same MAX_RADIUS as the kernel stride', () => {
    expect(KERNEL_STRIDE).toBe(MAX_RADIUS + 1);
    expect(code).toMatch(/override MAX_RADIUS: u32/);
  });

  it('packs each kernel at its face slot', () => {
    const plan = planAnonymize(
      64,
      48,
      params({
        masks: [
          { cx: 10, cy: 10, rx: 5, ry: 6 },
          { cx: 40, cy: 30, rx: 8, ry: 8 },
        ],
      }),
    );
    const { faces, weights } = packFaces(plan);
    const v = new DataView(faces);
    expect(faces.byteLength).toBe(2 * ANONYMIZE_FACE.byteSize);
    const second = ANONYMIZE_FACE.byteSize;
    expect(v.getUint32(second + ANONYMIZE_FACE.kernel, true)).toBe(KERNEL_STRIDE);
    expect(v.getUint32(second + ANONYMIZE_FACE.radius, true)).toBe(plan.faces[1].radius);
    expect(v.getInt32(second + ANONYMIZE_FACE.rect + 8, true)).toBe(plan.faces[1].rect[2]);
    const kernel = weights.subarray(KERNEL_STRIDE, KERNEL_STRIDE + plan.faces[1].radius + 1);
    expect(Array.from(kernel)).toEqual(Array.from(plan.faces[1].weights));
  });
});
