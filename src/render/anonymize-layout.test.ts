import { describe, expect, it } from 'vitest';
import code from '../shaders/anonymize.wgsl?raw';
import { ANONYMIZE_FACE, ANONYMIZE_PARAMS, KERNEL_STRIDE, packFaces } from './anonymize-layout';
import { EffectCode, FaceFlag, MAX_RADIUS, planAnonymize } from './anonymize-plan';
import { params } from './anonymize-test-utils';

// Host-shareable layout of the WGSL types our structs use.
const TYPES: Record<string, { size: number; align: number }> = {
  f32: { size: 4, align: 4 }, u32: { size: 4, align: 4 }, i32: { size: 4, align: 4 },
  vec2f: { size: 8, align: 8 }, vec2u: { size: 8, align: 8 }, vec2i: { size: 8, align: 8 },
  vec4i: { size: 16, align: 16 }, vec4f: { size: 16, align: 16 },
};

function structLayout(wgsl: string, name: string): Record<string, number> {
  const body = new RegExp(`struct\\s+${name}\\s*{([^}]*)}`).exec(wgsl)?.[1] ?? '';
  const layout: Record<string, number> = {};
  let offset = 0;
  let align = 1;
  for (const [, field, type] of body.replace(/\/\/.*$/gm, '').matchAll(/(\w+)\s*:\s*(\w+)/g)) {
    const t = TYPES[type];
    if (!t) throw new Error(`structLayout: no layout for ${type}`);
    offset = Math.ceil(offset / t.align) * t.align;
    layout[field] = offset;
    offset += t.size;
    align = Math.max(align, t.align);
  }
  layout.byteSize = Math.ceil(offset / align) * align;
  return layout;
}

describe('anonymize layouts', () => {
  it('writes params and faces where the WGSL structs read them', () => {
    expect(structLayout(code, 'Params')).toEqual(ANONYMIZE_PARAMS);
    expect(structLayout(code, 'Face')).toEqual(ANONYMIZE_FACE);
  });

  it('numbers effects and face flags as the WGSL does', () => {
    const consts = (prefix: string) => Object.fromEntries([...code.matchAll(new RegExp(`const ${prefix}_(\\w+): u32 = (\\d+)u;`, 'g'))]
      .map(([, name, value]) => [name.toLowerCase(), Number(value)]));
    expect(consts('EFFECT')).toEqual(EffectCode);
    expect(consts('FLAG')).toEqual(FaceFlag);
  });

  it('gives the shader the same MAX_RADIUS as the kernel stride', () => {
    expect(KERNEL_STRIDE).toBe(MAX_RADIUS + 1);
    expect(code).toMatch(/override MAX_RADIUS: u32/);
  });

  it('packs each kernel at its face slot', () => {
    const plan = planAnonymize(64, 48, params({ masks: [{ cx: 10, cy: 10, rx: 5, ry: 6 }, { cx: 40, cy: 30, rx: 8, ry: 8 }] }));
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
