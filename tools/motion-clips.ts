// npm run make:motion-clips -- --ann ANNOTATIONS.json --out DIR [--count N] [--seed S]   (`--help` lists them)
// Makes motion clips like ../shared/data/motion's, from other annotated photos: a set the defaults were not tuned
// on, for `npm run eval:video -- --all DIR`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { HELP_OPTION, optionsHelp, readCommandLine, type OptionTable, UsageError } from '../src/cli/command-line';
import { planCamera, type PlanOptions, truthAt } from './motion/camera-plan';
import { type Photo, pickPhotos } from './motion/pick-photos';
import { renderClip, SHUTTER, SUBFRAMES } from './motion/render-clip';

const OPTIONS = {
  ann: {
    type: 'string',
    value: 'FILE',
    help: 'the photos\' annotations (../shared/data/faces/SET/annotations.json: {"image", "width", "height", "faces"})',
  },
  out: { type: 'string', value: 'DIR', help: 'where the clips, their JSON and index.json go' },
  count: { type: 'string', value: 'N', help: 'clips to make (default 8)' },
  seed: { type: 'string', value: 'S', help: 'picks the photos and every camera plan (default 1)' },
  exclude: {
    type: 'string',
    value: 'DIR',
    help: "skip the photos of DIR/index.json's clips (default ../shared/data/motion, where it exists)",
  },
  help: HELP_OPTION,
} as const satisfies OptionTable;

const USAGE = `usage: npm run make:motion-clips -- --ann ANNOTATIONS.json --out DIR [options]
options:
${optionsHelp(OPTIONS)}`;

const VIDEO = { width: 640, height: 360 };
const PRIMARY = ['pan', 'whip', 'zoom', 'shake', 'cut'] as const;

function readPhotos(path: string): Photo[] {
  if (!existsSync(path)) throw new UsageError(`--ann ${path}: no such file`);
  const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(data))
    throw new UsageError(`--ann ${path}: expected a list of {"image", "width", "height", "faces"}`);
  return data as Photo[];
}

function excluded(dir: string | undefined): Set<string> {
  const index = join(dir ?? resolve('../shared/data/motion'), 'index.json');
  if (!existsSync(index)) {
    if (dir !== undefined) throw new UsageError(`--exclude ${dir}: no index.json there`);
    return new Set();
  }
  const list = JSON.parse(readFileSync(index, 'utf8')) as { source?: { image?: string } }[];
  return new Set(list.map((c) => c.source?.image).filter((x): x is string => typeof x === 'string'));
}

async function main(): Promise<void> {
  const { values: flags } = readCommandLine(process.argv.slice(2), OPTIONS);
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  if (!flags.ann || !flags.out) throw new UsageError('give --ann and --out');
  const count = Number(flags.count ?? 8);
  const seed = Number(flags.seed ?? 1);
  if (!(Number.isInteger(count) && count > 0)) throw new UsageError(`--count ${flags.count}: expected an integer > 0`);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed ${flags.seed}: expected an integer`);
  const photos = pickPhotos(readPhotos(flags.ann), count, seed, excluded(flags.exclude));
  const set = dirname(resolve(flags.ann));
  mkdirSync(flags.out, { recursive: true });
  const index: unknown[] = [];
  for (const [n, photo] of photos.entries()) {
    const primary = PRIMARY[n % PRIMARY.length]!;
    const options: PlanOptions = { photo, faces: photo.faces, video: VIDEO, seed: seed * 1000 + n, primary };
    const plan = planCamera(options);
    const stem = photo.image.replace(/^.*\//, '').replace(/\.[^.]*$/, '');
    const name = `m${String(n + 1).padStart(2, '0')}_${stem}`;
    const t0 = performance.now();
    await renderClip(plan, join(set, photo.image), photo, VIDEO, join(flags.out, `${name}.mp4`));
    const frames = Array.from({ length: plan.frames }, (_, i) => ({
      ...truthAt(plan.cropAt(i), photo.faces, VIDEO),
      motion: plan.segments.find((s) => i >= s.start && i < s.end)?.motion,
      cut: plan.segments.some((s) => s.cutBefore && s.start === i),
    }));
    const faceFrames = frames.reduce((a, f) => a + f.faces.length, 0);
    writeFileSync(
      join(flags.out, `${name}.json`),
      `${JSON.stringify({
        ...VIDEO,
        fps: 30,
        frame_count: plan.frames,
        source: { annotations: resolve(flags.ann), image: photo.image, width: photo.width, height: photo.height },
        generator: { seed: options.seed, primary, subframes: SUBFRAMES, shutter: SHUTTER, ...plan.shake, crf: 18 },
        segments: plan.segments,
        frames,
      })}\n`,
    );
    index.push({
      name,
      mp4: `${name}.mp4`,
      json: `${name}.json`,
      source: { image: photo.image },
      primary,
      frames: plan.frames,
      face_frames: faceFrames,
    });
    console.log(
      `${name}: ${plan.frames} frames, ${photo.faces.length} faces, ${faceFrames} face-frames, ` +
        `${plan.segments.map((s) => (s.cutBefore ? 'cut ' : '') + s.motion + (s.shake ? '~' : '')).join(' -> ')} ` +
        `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  writeFileSync(join(flags.out, 'index.json'), `${JSON.stringify(index, null, 1)}\n`);
  console.log(`wrote ${photos.length} clips and ${join(flags.out, 'index.json')}`);
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) console.error(`make:motion-clips: ${e.message}\n${USAGE}`);
  else console.error(e);
  process.exit(e instanceof UsageError ? 2 : 1);
});
