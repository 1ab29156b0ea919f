import { describe, expect, it } from 'vitest';
import { correctAxis, initAxis, predictAxis } from './kalman';

describe('kalman axis', () => {
  it('learns a constant velocity from two measurements when the velocity prior is wide', () => {
    let a = initAxis(0, 1, 1e6);
    a = correctAxis(predictAxis(a, 0.1, 0), 10, 1);
    expect(a.v).toBeGreaterThan(95);
    expect(a.v).toBeLessThan(101);
  });

  it('converges on a moving target and predicts where it will be', () => {
    let a = initAxis(0, 4, 1e4);
    for (let i = 1; i <= 60; i++) a = correctAxis(predictAxis(a, 1 / 30, 100), 5 * i, 4);
    expect(predictAxis(a, 0.1, 100).x).toBeCloseTo(5 * 63, 0);
  });

  it('grows position uncertainty with the prediction horizon, in either direction', () => {
    const a = initAxis(0, 1, 4);
    expect(predictAxis(a, 0.5, 10).pxx).toBeGreaterThan(predictAxis(a, 0.1, 10).pxx);
    expect(predictAxis(a, -0.5, 10).pxx).toBeGreaterThan(a.pxx);
  });

  it('shrinks uncertainty when a measurement arrives', () => {
    const a = predictAxis(initAxis(0, 1, 4), 0.2, 10);
    expect(correctAxis(a, 0.3, 1).pxx).toBeLessThan(a.pxx);
  });
});
