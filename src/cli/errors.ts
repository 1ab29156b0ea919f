import { describeFileProblem, type FileProblem } from '../offline/file-problems';

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

/**
 * An input file that is empty, cut off, not media or unreadable, in the export page's words
 * (src/offline/file-problems.ts), after the path that names it.
 */
export function fileProblem(path: string, problem: FileProblem): CliError {
  const { title, action } = describeFileProblem('the file', problem);
  return new CliError(`${path}: ${title} ${action}`);
}

export const EXIT_BAD_INPUT = 2;
export const EXIT_FAILED = 1;
