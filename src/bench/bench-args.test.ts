import { describe, expect, it } from 'vitest';
import { UsageError } from '../node/usage-error';
import { BenchArgs } from './bench-args';

const SPEC = { switches: ['full'], options: ['runs', 'sizes', 'tiles'] };

describe('BenchArgs', () => {
  it('reads switches, values, lists, counts and sizes', () => {
    const a = new BenchArgs(['--full', '--runs', '50', '--sizes', '640x360,1280x720', '--tiles', 'all'], SPEC);
    expect(a.has('full')).toBe(true);
    expect(a.count('runs', 3)).toBe(50);
    expect(a.count('tiles', 1, true)).toBe(Infinity);
    expect(a.sizes('sizes', [])).toEqual([[640, 360], [1280, 720]]);
  });

  it('falls back to the defaults for absent options', () => {
    const a = new BenchArgs([], SPEC);
    expect([a.has('full'), a.count('runs', 3), a.list('sizes'), a.sizes('sizes', [[1, 2]])]).toEqual([false, 3, null, [[1, 2]]]);
  });

  it('rejects unknown options, missing values, positional arguments and bad numbers', () => {
    expect(() => new BenchArgs(['--nope'], SPEC)).toThrow(UsageError);
    expect(() => new BenchArgs(['--runs'], SPEC)).toThrow(UsageError);
    expect(() => new BenchArgs(['file'], SPEC)).toThrow(UsageError);
    expect(() => new BenchArgs(['--runs', '-1'], SPEC).count('runs', 1)).toThrow(UsageError);
    expect(() => new BenchArgs(['--runs', 'all'], SPEC).count('runs', 1)).toThrow(UsageError);
    expect(() => new BenchArgs(['--sizes', '640'], SPEC).sizes('sizes', [])).toThrow(UsageError);
  });
});
