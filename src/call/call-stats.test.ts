import { describe, expect, it } from 'vitest';
import { CallStatsReader } from './call-stats';

const TRACK = 'remote-track';

/** A receiver's getStats() report: its video inbound-rtp (with `inbound` over the defaults), codec and candidate pair. */
function report(inbound: Record<string, unknown>): Map<string, unknown> {
  const entries: Record<string, unknown>[] = [
    {
      id: 'IT01V1',
      type: 'inbound-rtp',
      kind: 'video',
      trackIdentifier: TRACK,
      codecId: 'C96',
      frameWidth: 320,
      frameHeight: 180,
      ...inbound,
    },
    { id: 'C96', type: 'codec', mimeType: 'video/VP8' },
    { id: 'CP1', type: 'candidate-pair', state: 'succeeded', currentRoundTripTime: 0.002 },
  ];
  return new Map(entries.map((e) => [String(e.id), e]));
}

describe('CallStatsReader', () => {
  it('counts the frame rate from framesDecoded between readings, whatever framesPerSecond says', () => {
    const reader = new CallStatsReader();
    reader.read(report({ timestamp: 10_000, framesDecoded: 100, framesPerSecond: 0 }), TRACK);
    const s = reader.read(report({ timestamp: 11_000, framesDecoded: 124 }), TRACK);
    expect(s).toEqual({ width: 320, height: 180, fps: 24, frames: 124, rttMs: 2, codec: 'video/VP8' });
    expect(reader.read(report({ timestamp: 13_000, framesDecoded: 125, framesPerSecond: 0 }), TRACK).fps).toBe(0.5);
  });

  it("takes the browser's framesPerSecond until there is a reading to count from", () => {
    const reader = new CallStatsReader();
    expect(reader.read(report({ timestamp: 10_000, framesDecoded: 30, framesPerSecond: 15 }), TRACK).fps).toBe(15);
    expect(new CallStatsReader().read(report({ timestamp: 10_000 }), TRACK)).toMatchObject({ fps: 0, frames: 0 });
  });

  it("reads the received track's inbound-rtp, not another's", () => {
    const other = { id: 'IT01V2', type: 'inbound-rtp', kind: 'video', trackIdentifier: 'old', frameWidth: 640 };
    const r = report({ timestamp: 1, framesDecoded: 3 });
    expect(new CallStatsReader().read(new Map([['IT01V2', other], ...r]), TRACK)).toMatchObject({
      width: 320,
      frames: 3,
    });
  });

  it('reads nothing measured as zeros and an unknown round trip', () => {
    expect(new CallStatsReader().read(new Map(), TRACK)).toEqual({
      width: 0,
      height: 0,
      fps: 0,
      frames: 0,
      rttMs: NaN,
      codec: '',
    });
  });
});
