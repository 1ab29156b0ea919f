import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';

// Mesa's lavapipe on our CI machines is too old for Dawn; Chromium ships SwiftShader's Vulkan ICD, which
// works. A real GPU (VEIL_NATIVE_VULKAN=1, or an ICD chosen by the caller) is used as found.
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let gpu: GPU | undefined;

/** navigator.gpu for Node, backed by Dawn (the `webgpu` package). */
export function nodeGpu(): GPU {
  // Vitest's unit project (vitest.config.ts) keeps to plain TypeScript; a test that needs Dawn is a *.gpu.test.ts.
  if (process.env.VEIL_UNIT) throw new Error('a unit test asked for a Dawn device: name the test file *.gpu.test.ts');
  gpu ??= createDawnGpu([]);
  return gpu;
}

/** A Dawn instance with `flags`, on the driver nodeGpu() uses (SwiftShader where the caller chose none). */
export function createDawnGpu(flags: string[]): GPU {
  if (
    !process.env.VEIL_NATIVE_VULKAN &&
    !process.env.VK_ICD_FILENAMES &&
    !process.env.VK_DRIVER_FILES &&
    existsSync(SWIFTSHADER_ICD)
  ) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  Object.assign(globalThis, globals);
  return create(flags);
}

export async function requestNodeDevice(): Promise<GPUDevice> {
  const adapter = await nodeGpu().requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      "Dawn found no WebGPU adapter: no Vulkan driver? Install Debian's chromium, whose SwiftShader driver " +
        '(/usr/lib/chromium/vk_swiftshader_icd.json) Dawn uses here (docs/testing.md)',
    );
  }
  const features = (['timestamp-query'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  return adapter.requestDevice({ requiredFeatures: features });
}
