/** The parts of a V8 heap snapshot (HeapProfiler.takeHeapSnapshot's JSON) that sizes need. */
export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: (string[] | string)[] } };
  nodes: number[];
}

/**
 * Bytes of everything in the heap except compiled code. V8 keeps compiling (and tiering up) the app's functions for
 * many minutes, which grows the heap with no leak behind it; what a leak grows is objects, so that is what a long
 * run compares.
 */
export function objectBytes(s: HeapSnapshot): number {
  const fields = s.snapshot.meta.node_fields;
  const typeNames = s.snapshot.meta.node_types[0] as string[];
  const type = fields.indexOf('type');
  const size = fields.indexOf('self_size');
  const code = typeNames.indexOf('code');
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    if (s.nodes[i + type] !== code) total += s.nodes[i + size]!;
  }
  return total;
}
