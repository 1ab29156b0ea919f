import { describe, expect, it } from 'vitest';
import { objectBytes } from './heap-snapshot';

describe('objectBytes', () => {
  it('sums every node but compiled code', () => {
    const snapshot = {
      snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [['hidden', 'object', 'code', 'native'], 'string'] } },
      nodes: [1, 0, 1, 100, 0, 2, 0, 2, 5000, 0, 3, 0, 3, 40, 0, 0, 0, 4, 7, 0],
    };
    expect(objectBytes(snapshot)).toBe(147);
  });
});
