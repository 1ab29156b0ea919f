import { join } from 'node:path';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The fake camera's frame: the astronaut photo's top 512x384, scaled. Its face (Eileen Collins) lies at about
 * x 180-270, y 70-170 in the photo, so inside FACE below; NO_FACE is the helmet at the bottom right, the corner
 * farthest from the face (a held face's mask grows with the detector's latency, hundreds of ms on CI).
 */
export const FAKE_CAMERA = {
  width: 320,
  height: 240,
  face: { x: 115, y: 46, w: 52, h: 56 },
  noFace: { x: 278, y: 198, w: 40, h: 40 },
};

/** Where global-setup writes the fake camera clip (a y4m, made at test time from the bundled demo clip). */
export const FAKE_CAMERA_Y4M = join(process.cwd(), '.cache', 'e2e', 'fake-camera.y4m');

// Measured on Debian's Chromium: without the ANGLE/Vulkan SwiftShader flags, importExternalTexture and a
// WebGPU canvas fail headless; the networking flags keep Chromium from dialling out on a closed network.
export function chromiumArgs(y4m = FAKE_CAMERA_Y4M): string[] {
  return [
    '--enable-unsafe-webgpu',
    '--use-angle=swiftshader',
    '--enable-features=Vulkan',
    '--use-vulkan=swiftshader',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${y4m}`,
    '--autoplay-policy=no-user-gesture-required',
  ];
}
