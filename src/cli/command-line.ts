// Reads a command line through node:util's parseArgs and writes its --help from the same option table, so that
// the options a program reads and the options its help lists are one list. `npx veil` and every Node tool in
// tools/ (which may import product code, never the reverse) read their arguments with it.
import { parseArgs } from 'node:util';

/** One option: how parseArgs reads it, and how the help shows it. */
export interface OptionSpec {
  /** 'string' takes a value (`--side 640`, `--side=640`); 'boolean' is a switch (`--full`). */
  readonly type: 'string' | 'boolean';
  /** A one-letter alias (`-o`). */
  readonly short?: string;
  /** The value's name in the help (`--side PX`); a string option without one shows VALUE. */
  readonly value?: string;
  /** What the option does; each further line of it is indented under the first. */
  readonly help: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The options given: a string option's value, `true` for a switch; absent when not given (the last one wins). */
export type OptionValues<T extends OptionTable> = {
  -readonly [K in keyof T]?: T[K]['type'] extends 'string' ? string : true;
};

export interface CommandLine<T extends OptionTable> {
  values: OptionValues<T>;
  positionals: string[];
}

/** A command line a program cannot run: its message says what is wrong, in one line. Programs exit with 2. */
export class UsageError extends Error {}

/** `-h, --help`, which every program's table carries. */
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'print this help' };

/**
 * `argv` (without node and the script) read against `table`; arguments after `--` are positional. Throws a
 * UsageError for an unknown option, a string option without a value and a switch given one. parseArgs runs
 * non-strict and the checks are made here on its tokens: its strict mode would word these errors itself, in
 * several sentences, and would refuse a value that starts with a dash (`--threshold -1`), which is a bad value
 * for the program to name rather than a missing one.
 */
export function readCommandLine<T extends OptionTable>(argv: readonly string[], table: T): CommandLine<T> {
  // parseArgs is handed only what it reads: it refuses a `short` that is present but undefined.
  const options = Object.fromEntries(
    Object.entries(table).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
  );
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
    } else if (token.kind === 'option') {
      const spec = Object.hasOwn(table, token.name) ? table[token.name] : undefined;
      if (!spec) throw new UsageError(`unknown option ${token.rawName}`);
      if (spec.type === 'string') {
        if (token.value === undefined) throw new UsageError(`--${token.name} needs a value`);
        values[token.name] = token.value;
      } else {
        if (token.value !== undefined) throw new UsageError(`--${token.name} takes no value`);
        values[token.name] = true;
      }
    }
  }
  return { values: values as OptionValues<T>, positionals };
}

/** Options whose name and value are longer than this push their text to the right instead of the column. */
const MAX_HEAD = 26;

/** The option lines of a --help: `  -o, --output PATH   text`, the texts in one column. */
export function optionsHelp(table: OptionTable): string {
  const rows = Object.entries(table).map(([name, o]) => ({
    head: `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`,
    help: o.help,
  }));
  const width = Math.max(0, ...rows.map((r) => r.head.length).filter((n) => n <= MAX_HEAD)) + 2;
  return rows
    .map(({ head, help }) => {
      const [first, ...more] = help.split('\n');
      const lead = head.length + 2 > width ? `${head}  ` : head.padEnd(width);
      return [`  ${lead}${first}`, ...more.map((line) => `  ${' '.repeat(width)}${line}`)].join('\n');
    })
    .join('\n');
}
