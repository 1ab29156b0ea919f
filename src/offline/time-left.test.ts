import { describe, expect, it } from 'vitest';
import { formatDuration, rateOf } from './time-left';

describe('time left', () => {
  it('formats seconds as m:ss, h:mm:ss, or -:-- when unknown', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(59.6)).toBe('1:00');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(NaN)).toBe('-:--');
    expect(formatDuration(-1)).toBe('-:--');
  });

  it('estimates from the rate so far', () => {
    expect(rateOf(30, 120, 10)).toEqual({ fps: 3, secondsLeft: 30 });
    expect(rateOf(120, 120, 10).secondsLeft).toBe(0);
  });

  it('knows no time left before the first frame or without a total', () => {
    expect(rateOf(0, 120, 0)).toEqual({ fps: 0, secondsLeft: NaN });
    expect(rateOf(0, 120, 5).secondsLeft).toBeNaN();
    expect(rateOf(10, null, 5)).toEqual({ fps: 2, secondsLeft: NaN });
  });
});
