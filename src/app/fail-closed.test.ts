import { describe, expect, it } from 'vitest';
import { failClosedReason } from './fail-closed';

describe('failClosedReason', () => {
  const healthy = { ready: true, answered: true, lastResultCaptureMs: 1000, failing: false };

  it('blurs everything before the detector is ready or has answered', () => {
    expect(failClosedReason({ ...healthy, ready: false }, 1000, 250)).toBe('detector-starting');
    expect(failClosedReason({ ...healthy, answered: false, lastResultCaptureMs: null }, 1000, 250)).toBe(
      'detector-starting',
    );
  });

  it('blurs everything after the picture changed (new source or frame size) until it has been searched', () => {
    expect(failClosedReason({ ...healthy, lastResultCaptureMs: null }, 1000, 250)).toBe('new-picture');
  });

  it('trusts face masks while detections are within the budget', () => {
    expect(failClosedReason(healthy, 1250, 250)).toBeNull();
  });

  it('fails closed once detections are older than the budget', () => {
    expect(failClosedReason(healthy, 1251, 250)).toBe('detector-stalled');
  });

  it('fails closed while the picture has moved on sharply from the newest result (a whip pan, a cut)', () => {
    expect(failClosedReason({ ...healthy, moved: true }, 1100, 250)).toBe('fast-motion');
    expect(failClosedReason({ ...healthy, moved: false }, 1100, 250)).toBeNull();
  });

  it('fails closed at once when the detector throws, even within the budget', () => {
    expect(failClosedReason({ ...healthy, failing: true }, 1001, 250)).toBe('detector-error');
  });
});
