/**
 * Host-shareable layout of the WGSL types our structs use (scalars, 2- and 4-vectors, atomics, fixed arrays of
 * those, and a named record type whose alignment the caller gives). Tests read the offsets straight from the
 * shader source and compare them with the hand-written layout constants the passes write by.
 */
const TYPES: Record<string, { size: number; align: number }> = {
  f32: { size: 4, align: 4 },
  u32: { size: 4, align: 4 },
  i32: { size: 4, align: 4 },
  vec2f: { size: 8, align: 8 },
  vec2u: { size: 8, align: 8 },
  vec2i: { size: 8, align: 8 },
  vec4f: { size: 16, align: 16 },
  vec4u: { size: 16, align: 16 },
  vec4i: { size: 16, align: 16 },
};

/** Byte offset of every field of `struct name` in `wgsl`, plus `byteSize`. */
export function structLayout(
  wgsl: string,
  name: string,
  extra: Record<string, { size: number; align: number }> = {},
): Record<string, number> {
  const body = new RegExp(`struct\\s+${name}\\s*{([^}]*)}`).exec(wgsl)?.[1];
  if (body === undefined) throw new Error(`structLayout: no struct ${name}`);
  const layout: Record<string, number> = {};
  let offset = 0;
  let align = 1;
  const fields = body.replace(/\/\/.*$/gm, '').matchAll(/(\w+)\s*:\s*(?:(?:array|atomic)<\s*)?(\w+)(?:\s*,\s*(\d+))?/g);
  for (const [, field, type, count] of fields) {
    const t = extra[type] ?? TYPES[type];
    if (!t) throw new Error(`structLayout: no layout for ${type}`);
    offset = Math.ceil(offset / t.align) * t.align;
    layout[field] = offset;
    offset += t.size * Number(count ?? 1);
    align = Math.max(align, t.align);
  }
  layout.byteSize = Math.ceil(offset / align) * align;
  return layout;
}
