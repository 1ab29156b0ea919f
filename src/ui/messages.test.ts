import { describe, expect, it } from 'vitest';
import { describeFailClosed } from './messages';

describe('describeFailClosed', () => {
  it('says what helps when the detections themselves are too slow for the budget', () => {
    const slow = describeFailClosed('detector-stalled', 250, 430);
    expect(slow).toContain('about 430 ms');
    expect(slow).toContain('smaller camera size');
    expect(slow).toContain('budget=1500');
  });

  it('says only that no detection came when they are fast enough, or not measured yet', () => {
    expect(describeFailClosed('detector-stalled', 1000, 120)).toBe(
      'Whole frame blurred: no face detection in the last 1000 ms.',
    );
    expect(describeFailClosed('detector-stalled', 250)).not.toContain('helps');
  });
});
