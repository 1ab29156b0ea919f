import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { CliError } from './errors';
import { VIDEO_CONTAINERS } from './ffmpeg-io';
import type { PhotoFormat } from './probe';

/** One input file and where its results go. */
export interface Job {
  input: string;
  output: string;
  boxes?: string;
  /** Whether the output's folder may be created (folder mode) or must exist (a single file). */
  createDir: boolean;
}

export const PHOTO_EXTENSIONS: Record<string, PhotoFormat> = { jpg: 'jpeg', jpeg: 'jpeg', png: 'png', webp: 'webp' };
/** Videos we read whose own container we do not write: their output is an .mp4 of the same name. */
const OTHER_VIDEO_EXTENSIONS = new Set([
  'mpg',
  'mpeg',
  'ts',
  'mts',
  'm2ts',
  'wmv',
  'asf',
  'flv',
  '3gp',
  '3g2',
  'ogv',
  'vob',
  'mxf',
  'dv',
  'gif',
]);

export function extensionOf(path: string): string {
  return extname(path).slice(1).toLowerCase();
}

function isMedia(path: string): boolean {
  const ext = extensionOf(path);
  return ext in PHOTO_EXTENSIONS || ext in VIDEO_CONTAINERS || OTHER_VIDEO_EXTENSIONS.has(ext);
}

/** The output name for an input whose extension we cannot write: same name, .mp4. */
function writableName(name: string): string {
  return OTHER_VIDEO_EXTENSIONS.has(extensionOf(name)) ? `${name.slice(0, -extname(name).length)}.mp4` : name;
}

function walk(dir: string, skip: string, found: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith('.') || resolve(path) === skip) continue;
    if (entry.isDirectory()) walk(path, skip, found);
    else if (entry.isFile()) found.push(path);
  }
}

export interface Plan {
  jobs: Job[];
  /** Files of an input folder that are neither photos nor videos by their extension. */
  skipped: string[];
  folder: boolean;
}

/** Turns INPUT, -o and --boxes into one job per file: a file in, a file out; a folder in, a folder out, same names. */
export function planJobs(input: string, output: string | undefined, boxes: string | undefined): Plan {
  if (!existsSync(input)) throw new CliError(`${input}: no such file or folder`);
  const stat = statSync(input);
  if (stat.isDirectory()) {
    const outDir = output ?? `${input.replace(/[\\/]+$/, '')}_anonymized`;
    if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
      throw new CliError(`${outDir}: is a file; a folder input needs an output folder`, 'output');
    }
    if (resolve(outDir) === resolve(input))
      throw new CliError(`${outDir}: the output folder must not be the input folder`, 'output');
    if (boxes !== undefined && existsSync(boxes) && !statSync(boxes).isDirectory()) {
      throw new CliError(
        `${boxes}: is a file; for a folder input, --boxes names a folder (one JSON file per input)`,
        'output',
      );
    }
    const files: string[] = [];
    walk(input, resolve(outDir), files);
    const media = files.filter(isMedia);
    return {
      folder: true,
      skipped: files.filter((f) => !isMedia(f)),
      jobs: media.map((f) => {
        const rel = relative(input, f);
        const boxesFile = boxes === undefined ? undefined : join(boxes, `${rel}.json`);
        return { input: f, output: join(outDir, writableName(rel)), boxes: boxesFile, createDir: true };
      }),
    };
  }
  if (!stat.isFile()) throw new CliError(`${input}: not a regular file`);
  let out =
    output ?? writableName(`${input.slice(0, input.length - extname(input).length)}_anonymized${extname(input)}`);
  if (existsSync(out) && statSync(out).isDirectory()) out = join(out, writableName(basename(input)));
  if (resolve(out) === resolve(input)) throw new CliError(`${out}: the output must not overwrite the input`, 'output');
  return { folder: false, skipped: [], jobs: [{ input, output: out, boxes, createDir: false }] };
}

/** Fails unless `path` can be written: its folder exists (or, in folder mode, can be made) and is writable. */
export function checkWritable(path: string, createDir: boolean): void {
  const dir = dirname(resolve(path));
  if (!existsSync(dir)) {
    if (!createDir)
      throw new CliError(`${path}: cannot write here: the folder ${dirname(path)} does not exist`, 'output');
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new CliError(
        `${path}: cannot create its folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        'output',
      );
    }
  }
  if (!statSync(dir).isDirectory())
    throw new CliError(`${path}: cannot write here: ${dirname(path)} is not a folder`, 'output');
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new CliError(`${path}: cannot write here: the folder ${dirname(path)} is not writable`, 'output');
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new CliError(`${path}: is a folder`, 'output');
}

/**
 * Files being written, under temporary names beside their final ones (so the rename is atomic): promote() moves
 * them into place once everything is written, discard() removes them. A run that fails or is interrupted
 * leaves no partial output behind.
 */
export class PendingFiles {
  static readonly #all = new Set<string>();
  readonly #temps = new Set<string>();
  readonly #moves = new Map<string, string>();

  /** A temporary path for `final` (same folder, hidden); `tag` tells apart several for one final path. */
  temp(final: string, tag = 'part'): string {
    const path = join(dirname(final), `.${basename(final)}.veil-${process.pid}.${tag}`);
    this.#temps.add(path);
    PendingFiles.#all.add(path);
    return path;
  }

  /** `temp` becomes `final` at promote(). */
  settle(temp: string, final: string): void {
    this.#moves.set(temp, final);
  }

  /** Renames every settled file into place, then removes the other temporary files. */
  promote(): void {
    for (const [temp, final] of this.#moves) {
      try {
        renameSync(temp, final);
      } catch (e) {
        throw new CliError(
          `${final}: could not be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
          'output',
        );
      }
      this.#temps.delete(temp);
      PendingFiles.#all.delete(temp);
    }
    this.#moves.clear();
    this.discard();
  }

  /** Removes this job's temporary files. */
  discard(): void {
    for (const path of this.#temps) {
      rmSync(path, { force: true });
      PendingFiles.#all.delete(path);
    }
    this.#temps.clear();
  }

  /** Removes every temporary file of the process (on SIGINT or SIGTERM). */
  static discardAll(): void {
    for (const path of PendingFiles.#all) rmSync(path, { force: true });
    PendingFiles.#all.clear();
  }
}
