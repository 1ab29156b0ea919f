// veil: anonymize recorded videos and photos from the command line (bin/veil.mjs runs the bundle of this file).
//   npx veil anonymize INPUT [-o OUTPUT] [--effect E] [--threshold T] [--mask ellipse|box] [--scale S] ...
// See src/cli/README.md.
import { anonymizeFile, prepare, type FileResult, type RunContext } from './anonymize';
import { parseArgs, USAGE, type AnonymizeOptions } from './args';
import type { FrameEngine } from '../offline/frame-engine';
import { openEngine } from './engine';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILED } from './errors';
import { describeBlurred } from '../render/mask-area';
import { PendingFiles, planJobs } from './jobs';

declare const __VEIL_VERSION__: string | undefined;

function summary(r: FileResult): string {
  const blurred = describeBlurred(r.blurred, r.frames);
  const faces =
    r.kind === 'photo'
      ? `${r.maxFaces} face${r.maxFaces === 1 ? '' : 's'}, ${blurred}`
      : `${r.frames} frames, masks in ${r.framesWithFaces} (up to ${r.maxFaces} a frame), ${blurred}, ${(r.frames / r.seconds).toFixed(1)} fps overall`;
  return `${faces}, ${r.seconds.toFixed(1)} s`;
}

async function anonymize(o: AnonymizeOptions): Promise<number> {
  const plan = planJobs(o.input, o.output, o.boxes);
  const note = (line: string) => process.stderr.write(`${line}\n`);
  if (plan.folder && plan.jobs.length === 0) {
    throw new CliError(`${o.input}: has no photos or videos (by their extensions) to anonymize`);
  }
  if (plan.skipped.length > 0) {
    const some = plan.skipped.slice(0, 3).join(', ') + (plan.skipped.length > 3 ? ', ...' : '');
    note(`veil: skipping ${plan.skipped.length} file(s) that are not photos or videos: ${some}`);
  }

  let engine: Promise<FrameEngine> | null = null;
  const ctx: RunContext = {
    options: o,
    engine: () =>
      (engine ??= openEngine({ model: o.model, threshold: o.threshold, tiles: o.tiles }).then((e) => {
        if (!o.quiet) note(`veil: WebGPU on ${e.adapter}`);
        return e;
      })),
    progress: o.quiet ? null : process.stderr,
    note,
  };
  const failed: string[] = [];
  try {
    for (const job of plan.jobs) {
      try {
        const info = prepare(job);
        const result = await anonymizeFile(job, info, ctx);
        process.stdout.write(
          `${job.input} -> ${job.output}${job.boxes ? ` (+ ${job.boxes})` : ''}: ${summary(result)}\n`,
        );
      } catch (e) {
        // A bad file in a folder is reported and skipped; anything else (a GPU failure) stops the run.
        if (!(e instanceof CliError) || !plan.folder) throw e;
        note(`veil: ${e.message}`);
        failed.push(job.input);
      }
    }
  } finally {
    const opened = await (engine as Promise<FrameEngine> | null)?.catch(() => null);
    await opened?.destroy();
  }
  if (failed.length > 0) {
    note(
      `veil: ${failed.length} of ${plan.jobs.length} files were not anonymized (see above); their outputs were not written`,
    );
    return EXIT_BAD_INPUT;
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const command = parseArgs(argv);
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`veil ${typeof __VEIL_VERSION__ === 'string' ? __VEIL_VERSION__ : 'dev'}\n`);
    return 0;
  }
  return anonymize(command.options);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    PendingFiles.discardAll();
    process.stderr.write(`\nveil: interrupted; no partial output was left\n`);
    process.exit(130);
  });
}

// Exit explicitly: onnxruntime's wasm keeps compiling in the background for a while after the last run, and
// Node would wait for it (as tools/eval.ts does).
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    PendingFiles.discardAll();
    if (e instanceof CliError) {
      process.stderr.write(`${e.message.startsWith('veil:') ? '' : 'veil: '}${e.message}\n`);
      process.exit(EXIT_BAD_INPUT);
    }
    process.stderr.write(`veil: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(EXIT_FAILED);
  },
);
