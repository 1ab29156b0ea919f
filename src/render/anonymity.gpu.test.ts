import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskFromBox } from '../app/masks';
import { candidateToDetection, decodeOutputs } from '../detect/decode';
import { detectorDefaults } from '../detect/detector';
import { BLAZEFACE_BACK_256, FaceModel, configureOrt, fixedInput } from '../detect/model';
import { iou, nms } from '../detect/nms';
import { letterboxCrop, preprocessRef } from '../detect/preprocess';
import type { Detection, Rect, RgbaImage } from '../core/types';
import { readImageRgba, writeImageRgba } from '../testing/image-io';
import { requestNodeDevice } from '../gpu/webgpu-node';
import type { AnonymizeEffect } from './anonymize-plan';
import { AnonymizePass } from './anonymize-pass';
import { anonymizeRef } from './anonymize-ref';
import { FACE_SET, readFaceCrops, type FaceCrop } from '../testing/anonymize-test-faces';
import { compare, detailEnergy, params, runGpu } from '../testing/anonymize-test-utils';

// The fixture's face, measured on a 128x128 downscale: skin from x 43 to 70, hairline to chin y 7 to 47.
const FACE = { cx: 56, cy: 29, rx: 17, ry: 22 };
const INNER = [46, 16, 66, 44] as const; // well inside the mask: what must lose its detail

let device: GPUDevice;
let pass: AnonymizePass;
let astronaut: RgbaImage;
let dir: string;
beforeAll(async () => {
  device = await requestNodeDevice();
  pass = await AnonymizePass.create(device);
  dir = mkdtempSync(join(tmpdir(), 'veil-anonymity-'));
  const small = join(dir, 'astronaut-128.png');
  const r = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    'tests/fixtures/astronaut.jpg',
    '-vf',
    'scale=128:128',
    small,
  ]);
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

const present = existsSync(FACE_SET);
if (!present)
  console.warn(
    `anonymity.test: real-face checks skipped, ${FACE_SET} not found (the shared face data sets are not checked out)`,
  );
/** The app's default mask scale (settings.ts). */
const MASK_SCALE = 1.3;

describe.skipIf(!present)(`anonymity on real face crops${present ? '' : ` (skipped: ${FACE_SET} not found)`}`, () => {
  let model: FaceModel;
  let crops: FaceCrop[];
  beforeAll(async () => {
    configureOrt({ wasmThreads: 1 });
    model = await FaceModel.create(BLAZEFACE_BACK_256, readFileSync(join('public', BLAZEFACE_BACK_256.url)), 'wasm');
    crops = readFaceCrops();
  }, 60_000);
  afterAll(() => model?.release());

  /** The app's detector on the whole crop: BlazeFace back-256 at its default threshold, then its NMS. */
  async function detect(img: RgbaImage): Promise<Detection[]> {
    const crop = letterboxCrop(img.width, img.height);
    const size = fixedInput(BLAZEFACE_BACK_256)!;
    const raw = await model.runCpu(preprocessRef(img, crop, size, BLAZEFACE_BACK_256.format));
    const { threshold, nms: nmsOptions } = detectorDefaults(BLAZEFACE_BACK_256);
    return nms(
      decodeOutputs(BLAZEFACE_BACK_256, raw, size, threshold).map((c) => candidateToDetection(c, crop)),
      nmsOptions,
    );
  }

  const found = (dets: Detection[], face: Rect) => dets.filter((d) => iou(d.box, face) > 0.2);

  /** Inside the face box, shrunk by a sixth a side: what must lose its detail. */
  const inner = (r: Rect) =>
    [r.x + r.w / 6, r.y + r.h / 6, r.x + (5 * r.w) / 6, r.y + (5 * r.h) / 6].map(Math.round) as [
      number,
      number,
      number,
      number,
    ];

  it.each(['gaussian', 'strong'] as AnonymizeEffect[])(
    '%s at the default strength: the detector no longer finds the face, detail drops 10x',
    async (effect) => {
      for (const c of crops) {
        expect(found(await detect(c.img), c.face), `${c.name}: found before`).toHaveLength(1);
        const p = params({ effect, masks: c.faces.map((f) => maskFromBox(f, MASK_SCALE)) });
        const out = await runGpu(device, pass, c.img, p);
        expect(compare(out, anonymizeRef(c.img, p)).max).toBeLessThanOrEqual(1);
        keep(`${effect}-${c.name.replace(/\W/g, '_')}.png`, out);
        const after = found(await detect(out), c.face);
        expect(
          after.map((d) => d.score.toFixed(2)),
          `${c.name}: found after ${effect}`,
        ).toEqual([]);
        const energy = detailEnergy(out, ...inner(c.face)) / detailEnergy(c.img, ...inner(c.face));
        expect(energy, `${c.name}: detail left`).toBeLessThan(0.1);
      }
    },
    60_000,
  );
});
