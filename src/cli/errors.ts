/**
 * A problem with what the user gave us (the command line, an input file, an output path). The message is the
 * whole sentence printed to them; veil exits with EXIT_BAD_INPUT. Anything else is a bug or a broken machine
 * (exit 1, with a stack trace).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly kind: 'usage' | 'input' | 'output' = 'input',
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const EXIT_BAD_INPUT = 2;
export const EXIT_FAILED = 1;
