import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgress, Progress } from './progress';

describe('progress', () => {
  it('formats frames, rate and time left', () => {
    expect(formatProgress('a.mp4', 'detect', 30, 120, 10, 8)).toBe(
      'a.mp4 detect [##------] 30/120 frames  3.0 fps  ETA 0:30',
    );
    expect(formatProgress('a.mp4', 'render', 5, null, 1)).toBe('a.mp4 render 5 frames  5.0 fps  ETA -:--');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(NaN)).toBe('-:--');
  });

  it('prints a line now and then when piped, and the final count', () => {
    let t = 0;
    const lines: string[] = [];
    const p = new Progress('a.mp4', { write: (s: string) => lines.push(s) }, () => t, 5000);
    p.phase('detect', 100);
    for (let i = 1; i <= 100; i++) {
      t += 200;
      p.tick(i);
    }
    expect(p.end()).toBeCloseTo(5);
    expect(lines).toHaveLength(5); // at 0.2 s, 5.2 s, 10.2 s, 15.2 s, and the end
    expect(lines.at(-1)).toBe('a.mp4 detect [########################] 100/100 frames  5.0 fps  ETA 0:00\n');
  });

  it('redraws one line on a terminal', () => {
    let t = 0;
    const out: string[] = [];
    const p = new Progress('a', { write: (s: string) => out.push(s), isTTY: true, columns: 40 }, () => t);
    p.phase('render', 2);
    t = 1000;
    p.tick(1);
    p.end(2);
    expect(out.every((s) => s.startsWith('\r'))).toBe(true);
    expect(out.at(-1)!.endsWith('\n')).toBe(true);
    expect(out[0]!.length).toBe(40);
  });

  it('is silent without a sink', () => {
    const p = new Progress('a', null);
    p.phase('detect', 1);
    p.tick(1);
    expect(p.end()).toBeGreaterThanOrEqual(0);
  });
});
