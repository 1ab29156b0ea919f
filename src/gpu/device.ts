/** Why the GPU could not be had: the UI turns each kind into words and a next step. */
export class GpuUnavailableError extends Error {
  constructor(
    readonly kind: 'no-webgpu' | 'no-adapter' | 'no-device',
    message: string,
  ) {
    super(message);
    this.name = 'GpuUnavailableError';
  }
}

export interface Gpu {
  adapter: GPUAdapter;
  device: GPUDevice;
  /** Human-readable adapter name for the status line. */
  description: string;
  /** A CPU rasteriser such as SwiftShader: inference on it is slower than onnxruntime's wasm provider. */
  software: boolean;
  timestamps: boolean;
}

// onnxruntime-web's WebGPU provider runs on our device, and its kernels want the adapter's larger limits
// (workgroup storage, storage-buffer sizes); asking for the adapter's maxima costs nothing.
const LIMITS_FOR_INFERENCE = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;
const OPTIONAL_FEATURES: GPUFeatureName[] = ['timestamp-query', 'shader-f16'];

/**
 * `gpu` (the browser's navigator.gpu), or thrown, the error acquireGpu gives without it: known at once, without
 * asking for an adapter, so a page that needs the GPU only once the user acts (the export page) can say so on load.
 */
export function requireWebGpu(gpu: GPU | undefined): GPU {
  if (!gpu) {
    throw new GpuUnavailableError('no-webgpu', 'This browser does not expose WebGPU (navigator.gpu is missing).');
  }
  return gpu;
}

/** Requests the one GPUDevice that our shaders and onnxruntime-web share. */
export async function acquireGpu(gpu: GPU | undefined = globalThis.navigator?.gpu): Promise<Gpu> {
  const adapter = await requireWebGpu(gpu).requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new GpuUnavailableError('no-adapter', 'WebGPU is present but no GPU adapter is available.');
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS_FOR_INFERENCE) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ label: 'veil', requiredLimits, requiredFeatures });
  } catch (e) {
    throw new GpuUnavailableError('no-device', `The GPU adapter refused a device: ${(e as Error).message}`);
  }
  const description = adapterName(adapter.info);
  const software = isSoftwareAdapter(adapter.info);
  return { adapter, device, description, software, timestamps: requiredFeatures.includes('timestamp-query') };
}

function adapterName(info: GPUAdapterInfo): string {
  return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown GPU';
}

/** The names CPU rasterisers go by (SwiftShader, Mesa's llvmpipe and lavapipe, Windows' WARP), in WebGPU and WebGL. */
export const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|software|microsoft basic/i;

/** A CPU rasteriser: by the adapter's own flag, or its name. */
export function isSoftwareAdapter(info: GPUAdapterInfo): boolean {
  return info.isFallbackAdapter === true || SOFTWARE_RENDERER.test(adapterName(info));
}
