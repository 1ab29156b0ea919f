import { percentile } from '../../src/app/timing';

/** Median and p95 (nearest rank) of a stage's per-frame times. */
export interface Summary {
  median: number;
  p95: number;
  n: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), n: sorted.length };
}

/** Milliseconds with three significant digits or more, so that 0.0123 and 123 both read well. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms === 0) return '0';
  return ms >= 100 ? ms.toFixed(0) : ms.toPrecision(3);
}

/** A plain-text table: a header row, a rule, then the rows; the first column left-aligned, the others right. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** "median / p95" of a summary, as a table cell. */
export function medianP95(s: Summary | undefined): string {
  return s ? `${formatMs(s.median)} / ${formatMs(s.p95)}` : 'n/a';
}
