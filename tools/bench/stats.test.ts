import { describe, expect, it } from 'vitest';
import { formatMs, formatTable, medianP95, summarize } from './stats';

describe('summarize', () => {
  it('takes the nearest-rank median and p95 of unsorted samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    expect(summarize(samples)).toEqual({ median: 50, p95: 95, n: 100 });
  });

  it('reads one sample as both median and p95', () => {
    expect(summarize([7])).toEqual({ median: 7, p95: 7, n: 1 });
  });

  it('gives NaN for no samples, which prints as a dash', () => {
    const s = summarize([]);
    expect(s.n).toBe(0);
    expect(medianP95(s)).toBe('- / -');
  });
});

describe('formatMs', () => {
  it('keeps three significant digits below 100 ms and whole milliseconds above', () => {
    expect([formatMs(0.012345), formatMs(1.5), formatMs(86.44), formatMs(1234.5), formatMs(0)]).toEqual([
      '0.0123',
      '1.50',
      '86.4',
      '1235',
      '0',
    ]);
  });
});

describe('formatTable', () => {
  it('pads the first column left-aligned and the rest right-aligned under a rule', () => {
    const text = formatTable(
      ['stage', 'ms'],
      [
        ['import', '1.50'],
        ['nms', '0.0123'],
      ],
    );
    expect(text.split('\n')).toEqual(['stage       ms', '------  ------', 'import    1.50', 'nms     0.0123']);
  });

  it('prints a missing stage as n/a', () => {
    expect(medianP95(undefined)).toBe('n/a');
  });
});
