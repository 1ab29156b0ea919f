import { createDawnGpu } from '../../src/gpu/webgpu-node';
/** Held for the life of the process: Dawn aborts when its instance is garbage-collected under a live device. */
let instance: GPU | undefined;

/**
 * navigator.gpu as nodeGpu() (src/gpu/webgpu-node.ts) makes it, the same driver choice, but with Dawn's
 * timestamp quantization (every timestamp rounded to 65536 ns) turned off.
 */
export function benchGpu(): GPU {
  instance ??= createDawnGpu(['disable-dawn-features=timestamp_quantization']);
  return instance;
}

export interface BenchAdapter {
  adapter: GPUAdapter;
  /** vendor / architecture / device / description, as far as Dawn says. */
  name: string;
  software: boolean;
  timestamps: boolean;
}

export async function benchAdapter(): Promise<BenchAdapter> {
  const adapter = await benchGpu().requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter (no Vulkan driver?)');
  const { vendor, architecture, device, description } = adapter.info;
  const name = [vendor, architecture, device, description].filter(Boolean).join(' / ');
  return {
    adapter,
    name,
    software: /swiftshader|llvmpipe|lavapipe/i.test(name),
    timestamps: adapter.features.has('timestamp-query'),
  };
}

/**
 * What onnxruntime-web's WebGPU provider needs to run on `device` under Dawn in Node:
 * - navigator.gpu: the provider refuses to start without it ("WebGPU is not supported in current environment"),
 *   and Node 20 has no navigator;
 * - a GPUQueue.writeBuffer that takes SharedArrayBuffer-backed data, which the provider writes from its wasm heap
 *   and Dawn rejects; copying it into a plain Uint8Array first lets the provider run.
 */
export function prepareOrtWebGpu(device: GPUDevice): void {
  if (!globalThis.navigator?.gpu)
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: benchGpu() }, configurable: true });
  acceptSharedWrites(device);
}

function acceptSharedWrites(device: GPUDevice): void {
  const queue = device.queue;
  const write = queue.writeBuffer.bind(queue);
  queue.writeBuffer = (buffer, offset, data, dataOffset, size) => {
    const view = ArrayBuffer.isView(data) ? data : new Uint8Array(data);
    if (!(view.buffer instanceof SharedArrayBuffer)) return write(buffer, offset, data, dataOffset, size);
    // dataOffset and size count elements of a typed array, bytes otherwise.
    const unit = ArrayBuffer.isView(data) && !(data instanceof DataView) ? (data as Uint8Array).BYTES_PER_ELEMENT : 1;
    const start = (dataOffset ?? 0) * unit;
    const length = size === undefined ? view.byteLength - start : size * unit;
    return write(buffer, offset, new Uint8Array(view.buffer, view.byteOffset + start, length).slice());
  };
}
