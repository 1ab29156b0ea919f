import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { FAKE_CAMERA_Y4M, FAKE_CAMERA } from './chromium';

/**
 * Chromium's fake camera plays a y4m file. It is made at test time (nothing large is committed) from NASA's
 * public-domain astronaut photo held still, so every camera frame is known exactly and the tests can compare the
 * anonymized output with it pixel for pixel.
 */
export default function globalSetup(): void {
  mkdirSync(dirname(FAKE_CAMERA_Y4M), { recursive: true });
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-loop',
    '1',
    '-i',
    'tests/fixtures/astronaut.jpg',
    '-t',
    '2',
    '-r',
    '15',
    '-vf',
    `crop=512:384:0:0,scale=${FAKE_CAMERA.width}:${FAKE_CAMERA.height}`,
    '-pix_fmt',
    'yuv420p',
    FAKE_CAMERA_Y4M,
  ]);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'yuv4mpegpipe',
    '-i',
    FAKE_CAMERA_Y4M,
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    `${FAKE_CAMERA_Y4M}.rgba`,
  ]);
}
