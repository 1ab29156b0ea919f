import { describe, expect, it } from 'vitest';
import { failClosedReason } from './fail-closed';

describe('failClosedReason', () => {
  const healthy = { ready: true, lastResultCaptureMs: 1000, failing: false };

  it('blurs everything before the detector is ready or has answered', () => {
    expect(failClosedReason({ ...healthy, ready: false }, 1000, 250)).toBe('detector-starting');
    expect(failClosedReason({ ...healthy, lastResultCaptureMs: null }, 1000, 250)).toBe('detector-starting');
  });

  it('trusts face masks while detections are within the budget', () => {
    expect(failClosedReason(healthy, 1250, 250)).toBeNull();
  });

  it('fails closed once detections are older than the budget, naming errors', () => {
    expect(failClosedReason(healthy, 1251, 250)).toBe('detector-stalled');
    expect(failClosedReason({ ...healthy, failing: true }, 1251, 250)).toBe('detector-error');
  });
});
