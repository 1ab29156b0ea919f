import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxesFile, formatBoxesFile } from './boxes-json';
import { checkWritable, PendingFiles, planJobs } from './jobs';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-jobs-'));
  mkdirSync(join(dir, 'in', 'sub'), { recursive: true });
  for (const f of ['a.jpg', 'b.MP4', 'sub/c.webp', 'sub/d.mpg', 'notes.txt', '.hidden.jpg'])
    writeFileSync(join(dir, 'in', f), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('planJobs', () => {
  it('maps a file to INPUT_anonymized.EXT, or into an existing folder', () => {
    const input = join(dir, 'in', 'a.jpg');
    expect(planJobs(input, undefined, undefined).jobs).toEqual([
      { input, output: join(dir, 'in', 'a_anonymized.jpg'), boxes: undefined, createDir: false },
    ]);
    expect(planJobs(input, join(dir, 'in', 'sub'), 'x.json').jobs[0]).toMatchObject({
      output: join(dir, 'in', 'sub', 'a.jpg'),
      boxes: 'x.json',
    });
    // A container we do not write becomes .mp4.
    expect(planJobs(join(dir, 'in', 'sub', 'd.mpg'), undefined, undefined).jobs[0]!.output).toBe(
      join(dir, 'in', 'sub', 'd_anonymized.mp4'),
    );
  });

  it('maps a folder to a folder with the same names, skipping what is not media', () => {
    const plan = planJobs(join(dir, 'in'), join(dir, 'out'), join(dir, 'boxes'));
    expect(plan.folder).toBe(true);
    expect(plan.jobs.map((j) => [j.input, j.output, j.boxes])).toEqual([
      [join(dir, 'in', 'a.jpg'), join(dir, 'out', 'a.jpg'), join(dir, 'boxes', 'a.jpg.json')],
      [join(dir, 'in', 'b.MP4'), join(dir, 'out', 'b.MP4'), join(dir, 'boxes', 'b.MP4.json')],
      [join(dir, 'in', 'sub', 'c.webp'), join(dir, 'out', 'sub', 'c.webp'), join(dir, 'boxes', 'sub', 'c.webp.json')],
      [join(dir, 'in', 'sub', 'd.mpg'), join(dir, 'out', 'sub', 'd.mp4'), join(dir, 'boxes', 'sub', 'd.mpg.json')],
    ]);
    expect(plan.skipped).toEqual([join(dir, 'in', 'notes.txt')]);
    expect(planJobs(join(dir, 'in'), undefined, undefined).jobs[0]!.output).toBe(join(dir, 'in_anonymized', 'a.jpg'));
  });

  it('skips an output folder inside the input folder', () => {
    mkdirSync(join(dir, 'in', 'anon'), { recursive: true });
    writeFileSync(join(dir, 'in', 'anon', 'a.jpg'), '');
    expect(planJobs(join(dir, 'in'), join(dir, 'in', 'anon'), undefined).jobs.map((j) => j.input)).not.toContain(
      join(dir, 'in', 'anon', 'a.jpg'),
    );
    rmSync(join(dir, 'in', 'anon'), { recursive: true });
  });

  it('refuses to overwrite the input or mix files and folders', () => {
    const input = join(dir, 'in', 'a.jpg');
    expect(() => planJobs(input, input, undefined)).toThrow(/must not overwrite the input/);
    expect(() => planJobs(join(dir, 'in'), input, undefined)).toThrow(
      /is a file; a folder input needs an output folder/,
    );
    expect(() => planJobs(join(dir, 'nope'), undefined, undefined)).toThrow(/no such file or folder/);
  });
});

describe('checkWritable', () => {
  it('makes missing folders only in folder mode', () => {
    expect(() => checkWritable(join(dir, 'new', 'x.jpg'), false)).toThrow(/the folder .* does not exist/);
    checkWritable(join(dir, 'new', 'x.jpg'), true);
    expect(existsSync(join(dir, 'new'))).toBe(true);
    expect(() => checkWritable(join(dir, 'in', 'sub'), false)).toThrow(/is a folder/);
  });
});

describe('PendingFiles', () => {
  it('renames settled files into place and removes the rest', () => {
    const p = new PendingFiles();
    const final = join(dir, 'result.txt');
    const temp = p.temp(final);
    const scratch = p.temp(final, 'video');
    writeFileSync(temp, 'done');
    writeFileSync(scratch, 'intermediate');
    expect(temp).toMatch(/\.result\.txt\.veil-\d+\.part$/);
    p.settle(temp, final);
    p.promote();
    expect(readdirSync(dir).filter((f) => f.includes('result'))).toEqual(['result.txt']);
  });

  it('leaves nothing when discarded', () => {
    const p = new PendingFiles();
    const temp = p.temp(join(dir, 'never.txt'));
    writeFileSync(temp, 'half');
    p.settle(temp, join(dir, 'never.txt'));
    p.discard();
    expect(readdirSync(dir).filter((f) => f.includes('never'))).toEqual([]);
  });
});

describe('boxes file', () => {
  it('is the motion ground truth format, one frame a line, 0.01 px', () => {
    const text = formatBoxesFile(
      boxesFile(
        { width: 64, height: 48 },
        30,
        [[{ x: 1.234, y: 2, w: 10.005, h: 12 }], []],
        [[{ box: { x: 1, y: 2, w: 3, h: 4 }, score: 0.87654, keypoints: [] }], []],
        { shape: 'ellipse', scale: 1.3 },
        { mean: 0.0123456, worst: 0.0246912, worstFrame: 0 },
      ),
    );
    expect(text).toBe(
      '{"width":64,"height":48,"fps":30,"frame_count":2,"mask":{"shape":"ellipse","scale":1.3},' +
        '"blurred":{"mean":0.0123,"worst":0.0247,"worst_frame":0},"frames":[\n' +
        '{"faces":[[1.23,2,10.01,12]],"detections":[[1,2,3,4,0.877]]},\n{"faces":[],"detections":[]}\n]}\n',
    );
    expect(JSON.parse(text).frames).toHaveLength(2);
  });
});
