/** The parts of a V8 heap snapshot (HeapProfiler.takeHeapSnapshot's JSON) that sizes need. */
export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: (string[] | string)[] } };
  nodes: number[];
}

/**
 * Bytes of the heap's JavaScript objects: compiled code left out, since V8 keeps compiling (and tiering up) the
 * app's functions for many minutes, which grows the heap with no leak behind it; and native memory left out (wasm
 * memories, array buffer stores, the browser's own objects), reported apart as `native`, whose tens of MB would
 * drown a leak of JS objects.
 */
export function heapBytes(s: HeapSnapshot): { objects: number; native: number } {
  const fields = s.snapshot.meta.node_fields;
  const typeNames = s.snapshot.meta.node_types[0] as string[];
  const type = fields.indexOf('type');
  const size = fields.indexOf('self_size');
  const code = typeNames.indexOf('code');
  const native = typeNames.indexOf('native');
  const bytes = { objects: 0, native: 0 };
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const t = s.nodes[i + type];
    if (t === native) bytes.native += s.nodes[i + size]!;
    else if (t !== code) bytes.objects += s.nodes[i + size]!;
  }
  return bytes;
}
