// What the eval commands share in reading their options.
import { UsageError } from '../src/cli/command-line';

/** `parse(text)` for option `--name`, or `fallback` when it was not given; a parse error names the option. */
export function parseOption<T>(name: string, text: string | undefined, fallback: T, parse: (text: string) => T): T {
  if (text === undefined) return fallback;
  try {
    return parse(text);
  } catch (e) {
    throw new UsageError(`--${name} ${text}: ${(e as Error).message}`);
  }
}
