import { describe, expect, it } from 'vitest';
import { LIVE_START_SIDE } from '../../src/app/input-side';
import { DEFAULT_MODEL, MODELS } from '../../src/detect/model';
import { UsageError } from '../../src/cli/command-line';
import { benchDetector, BenchArgs, DETECTOR_OPTIONS } from './bench-args';

const SPEC = {
  full: { type: 'boolean', help: 'a switch' },
  runs: { type: 'string', help: 'a count' },
  sizes: { type: 'string', help: 'sizes' },
  tiles: { type: 'string', help: "a count or 'all'" },
} as const;

describe('BenchArgs', () => {
  it('reads switches, values, lists, counts and sizes', () => {
    const a = new BenchArgs(['--full', '--runs', '50', '--sizes', '640x360,1280x720', '--tiles', 'all'], SPEC);
    expect(a.has('full')).toBe(true);
    expect(a.count('runs', 3)).toBe(50);
    expect(a.count('tiles', 1, true)).toBe(Infinity);
    expect(a.sizes('sizes', [])).toEqual([
      [640, 360],
      [1280, 720],
    ]);
  });

  it('falls back to the defaults for absent options', () => {
    const a = new BenchArgs([], SPEC);
    expect([a.has('full'), a.count('runs', 3), a.list('sizes'), a.sizes('sizes', [[1, 2]])]).toEqual([
      false,
      3,
      null,
      [[1, 2]],
    ]);
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

describe('benchDetector', () => {
  const of = (...argv: string[]) => benchDetector(new BenchArgs(argv, DETECTOR_OPTIONS));

  it("benches the app's model at live mode's starting side, with the model's own tiles", () => {
    expect(of()).toEqual({ spec: MODELS[DEFAULT_MODEL], inputSide: LIVE_START_SIDE, tilesPerFrame: 0 });
    expect(of('--model', 'blazeface')).toMatchObject({ spec: MODELS.blazeface, tilesPerFrame: 1 });
    expect(of('--side', 'native', '--tiles', 'all')).toMatchObject({ inputSide: undefined, tilesPerFrame: Infinity });
    expect(of('--model', 'blazeface', '--tiles', 'off').tilesPerFrame).toBe(0);
  });

  it('names what is wrong', () => {
    expect(() => of('--model', 'retinaface')).toThrow(/--model retinaface: expected one of/);
    expect(() => of('--side', '10')).toThrow(/--side 10: expected PX >= 32 or native/);
  });
});
