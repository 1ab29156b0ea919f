import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Detection } from '../core/types';
import { LiveTestHooks } from './test-hooks';

const FACE: Detection = { box: { x: 1, y: 2, w: 3, h: 4 }, score: 0.9, keypoints: [] };

afterEach(() => vi.useRealTimers());

describe('LiveTestHooks', () => {
  it('refuses the injected number of detections without running them, then runs them again', async () => {
    const hooks = new LiveTestHooks(() => undefined);
    const run = vi.fn(async () => [FACE]);
    hooks.injectDetectorFaults(2);
    await expect(hooks.detect(run)).rejects.toThrow('injected detector fault');
    await expect(hooks.detect(run)).rejects.toThrow('injected detector fault');
    expect(run).not.toHaveBeenCalled();
    await expect(hooks.detect(run)).resolves.toEqual([FACE]);
  });

  it('holds each result back by the delay', async () => {
    vi.useFakeTimers();
    const hooks = new LiveTestHooks(() => undefined);
    hooks.slowDetections(800);
    let result: Detection[] | null = null;
    void hooks.detect(async () => [FACE]).then((dets) => (result = dets));
    await vi.advanceTimersByTimeAsync(799);
    expect(result).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toEqual([FACE]);
  });

  it("loses the live loop's device or context through the loop's own function", () => {
    const lose = vi.fn();
    new LiveTestHooks(lose).loseDevice();
    expect(lose).toHaveBeenCalledOnce();
  });
});
