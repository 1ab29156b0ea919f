import { describe, expect, it } from 'vitest';
import { heapBytes } from './heap-snapshot';

describe('heapBytes', () => {
  it('sums JS objects and native memory apart, and leaves compiled code out', () => {
    const snapshot = {
      snapshot: {
        meta: {
          node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
          node_types: [['hidden', 'object', 'code', 'native'], 'string'],
        },
      },
      nodes: [1, 0, 1, 100, 0, 2, 0, 2, 5000, 0, 3, 0, 3, 40, 0, 0, 0, 4, 7, 0],
    };
    expect(heapBytes(snapshot)).toEqual({ objects: 107, native: 40 });
  });
});
