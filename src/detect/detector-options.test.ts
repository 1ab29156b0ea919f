import { describe, expect, it } from 'vitest';
import { keepScore, LIVE_EDGE, NO_EDGE, parseEdge } from './detector';

describe('parseEdge', () => {
  it('takes T[:BAND], live and off', () => {
    expect(parseEdge('0.2:0.5')).toEqual({ threshold: 0.2, band: 0.5 });
    expect(parseEdge('0.2')).toEqual({ threshold: 0.2, band: LIVE_EDGE.band });
    expect(parseEdge('live')).toEqual(LIVE_EDGE);
    expect(parseEdge('off')).toEqual(NO_EDGE);
  });

  it('refuses what it cannot honour', () => {
    expect(() => parseEdge('0.05', 0.1)).toThrow(/0.1 <= T/);
    expect(() => parseEdge('x')).toThrow(/T\[:BAND\]/);
    expect(() => parseEdge('0.2:-1')).toThrow(/BAND >= 0/);
    expect(() => parseEdge('0.2:0.3:1')).toThrow(/T\[:BAND\]/);
  });
});

describe('keepScore', () => {
  const frame = { width: 640, height: 360 };
  it('keeps a box under the threshold only within the band of a border, and never under the edge threshold', () => {
    const atBorder = { x: 5, y: 100, w: 40, h: 40 };
    const inside = { x: 300, y: 100, w: 40, h: 40 };
    expect(keepScore(0.2, atBorder, frame, 0.3, LIVE_EDGE)).toBe(true);
    expect(keepScore(0.2, inside, frame, 0.3, LIVE_EDGE)).toBe(false);
    expect(keepScore(0.05, atBorder, frame, 0.3, LIVE_EDGE)).toBe(false);
    expect(keepScore(0.2, atBorder, frame, 0.3, NO_EDGE)).toBe(false);
  });
});
