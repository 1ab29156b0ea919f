import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage } from '../detect/types';
import { readImageRgba, writeImageRgba } from '../node/image-io';
import { requestNodeDevice } from '../node/webgpu-node';
import { AnonymizePass } from './anonymize-pass';
import { anonymizeRef } from './anonymize-ref';
import { compare, detailEnergy, params, runGpu } from './anonymize-test-utils';

// The fixture's face, measured on a 128x128 downscale: skin from x 43 to 70, hairline to chin y 7 to 47.
const FACE = { cx: 56, cy: 29, rx: 17, ry: 22 };
const INNER = [46, 16, 66, 44] as const; // well inside the mask: what must lose its detail

let device: GPUDevice;
let pass: AnonymizePass;
let astronaut: RgbaImage;
let dir: string;
beforeAll(async () => {
  device = await requestNodeDevice();
  pass = new AnonymizePass(device);
  dir = mkdtempSync(join(tmpdir(), 'veil-anonymity-'));
  const small = join(dir, 'astronaut-128.png');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', 'tests/fixtures/astronaut.jpg', '-vf', 'scale=128:128', small]);
  if (r.status !== 0) throw new Error(`ffmpeg could not downscale the fixture: ${String(r.stderr)}`);
  astronaut = readImageRgba(small);
});
afterAll(() => {
  pass?.destroy();
  device?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Set VEIL_ANONYMIZE_OUT=/some/dir to look at the results. */
function keep(name: string, img: RgbaImage): void {
  const out = process.env.VEIL_ANONYMIZE_OUT;
  if (out) writeImageRgba(join(out, name), img);
}

describe('anonymity on a real face', () => {
  it('removes at least 90% of the detail energy inside the face at default strength', async () => {
    const p = params({ masks: [FACE] });
    const out = await runGpu(device, pass, astronaut, p);
    expect(compare(out, anonymizeRef(astronaut, p)).max).toBeLessThanOrEqual(1);
    keep('astronaut-face.png', out);
    const before = detailEnergy(astronaut, ...INNER);
    const after = detailEnergy(out, ...INNER);
    expect(after * 10).toBeLessThan(before);
  });

  it('removes at least 90% of the detail energy of the whole frame when failing closed', async () => {
    const p = params({ fullFrame: true, masks: [FACE] });
    const out = await runGpu(device, pass, astronaut, p);
    expect(compare(out, anonymizeRef(astronaut, p)).max).toBeLessThanOrEqual(1);
    keep('astronaut-full-frame.png', out);
    expect(detailEnergy(out) * 10).toBeLessThan(detailEnergy(astronaut));
    // And within the face, where the fail-closed blur must be at least as strong as a face blur.
    expect(detailEnergy(out, ...INNER) * 10).toBeLessThan(detailEnergy(astronaut, ...INNER));
  });
});
