import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestNodeDevice } from '../../src/gpu/webgpu-node';
import { StageClock } from './stage-clock';

let device: GPUDevice;
let buffer: GPUBuffer;
beforeAll(async () => {
  device = await requestNodeDevice();
  buffer = device.createBuffer({ size: 1 << 20, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.STORAGE });
});
afterAll(() => {
  buffer.destroy();
  device.destroy();
});

const clear = (encoder: GPUCommandEncoder) => encoder.clearBuffer(buffer);

describe('StageClock', () => {
  it('adds up a stage marked several times a frame and starts again at frameStart', async () => {
    const clock = new StageClock<'nms'>(device, { timestamps: false });
    clock.frameStart();
    for (let i = 0; i < 2; i++) {
      clock.mark('nms', 'begin');
      const t = performance.now();
      while (performance.now() - t < 2); // at least 2 ms each
      clock.mark('nms', 'end');
    }
    const first = await clock.frameEnd();
    expect(first.get('nms')?.kind).toBe('cpu');
    expect(first.get('nms')!.ms).toBeGreaterThanOrEqual(4);
    clock.frameStart();
    expect((await clock.frameEnd()).size).toBe(0);
    clock.destroy();
  });

  it('times queued GPU work by wall clock without timestamps, and ignores GPU marks it cannot take', async () => {
    const clock = new StageClock<'blur' | 'decode'>(device, { timestamps: false });
    clock.frameStart();
    await clock.queued('blur', clear);
    const encoder = device.createCommandEncoder();
    clock.mark('decode', 'begin', encoder);
    clock.mark('decode', 'end', encoder);
    device.queue.submit([encoder.finish()]);
    const times = await clock.frameEnd();
    expect(times.get('blur')?.kind).toBe('wall');
    expect(times.has('decode')).toBe(false);
    clock.destroy();
  });

  it('times GPU work with timestamp queries where the device has them, and CPU marks of a GPU-span stage on the GPU', async ({
    skip,
  }) => {
    if (!device.features.has('timestamp-query')) skip('this adapter has no timestamp-query');
    const clock = new StageClock<'blur' | 'inference'>(device, { timestamps: true, gpuSpans: ['inference'] });
    clock.frameStart();
    await clock.queued('blur', clear);
    clock.mark('inference', 'begin');
    await clock.queued('blur', clear);
    clock.mark('inference', 'end');
    const times = await clock.frameEnd();
    expect(times.get('blur')?.kind).toBe('gpu');
    expect(times.get('inference')?.kind).toBe('gpu-span');
    expect(times.get('inference')!.ms).toBeGreaterThanOrEqual(0);
    clock.destroy();
  });

  it('refuses an end without a begin', () => {
    const clock = new StageClock<'nms'>(device, { timestamps: false });
    clock.frameStart();
    expect(() => clock.mark('nms', 'end')).toThrow(/without a begin/);
    clock.destroy();
  });
});
