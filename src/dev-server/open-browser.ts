import { spawn } from 'node:child_process';

/** How to open a URL: a command and its arguments before the URL, or why no browser is opened. */
export type Opener = { command: string; args: string[] } | { skip: string };

/**
 * The opener Vite's own `--open` would use: the BROWSER variable (`none` to skip, a `.js` file run by Node, or a
 * program, with BROWSER_ARGS), else the system's URL handler.
 */
export function openerFor(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Opener {
  const browser = env.BROWSER ?? '';
  if (browser.toLowerCase() === 'none') return { skip: 'BROWSER=none' };
  if (browser.toLowerCase().endsWith('.js')) return { command: process.execPath, args: [browser] };
  if (browser) return { command: browser, args: env.BROWSER_ARGS ? env.BROWSER_ARGS.split(' ') : [] };
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  return { command: 'xdg-open', args: [] };
}

/**
 * Opens `url` and says what came of it through `say` (`warn` when the user must open it themselves). Vite's own
 * opener starts the handler and forgets it, so on a machine without a browser (xdg-open finds none, the BROWSER
 * program is missing) nothing is said at all: here a handler that cannot start or exits with an error is reported.
 */
export function openBrowser(
  url: string,
  opener: Opener,
  say: { info: (line: string) => void; warn: (line: string) => void },
): void {
  const yourself = `open ${url} yourself.`;
  if ('skip' in opener) {
    say.info(`  Not opening a browser (${opener.skip}): ${yourself}`);
    return;
  }
  const name = opener.command === process.execPath ? opener.args[0]! : opener.command;
  say.info(`  Opening it in your browser (${name})...`);
  // Detached and unwaited: a browser started here lives on when the server stops, and may run for hours.
  const child = spawn(opener.command, [...opener.args, url], { stdio: 'ignore', detached: true });
  child.on('error', (e: NodeJS.ErrnoException) => {
    const why = e.code === 'ENOENT' ? `${name} was not found` : `${name}: ${e.message}`;
    say.warn(`  Could not open a browser (${why}): ${yourself}`);
  });
  child.on('exit', (code) => {
    if (!code) return;
    // xdg-open's status 3 is its "no method available": no browser is installed, or none it knows of.
    const why = name === 'xdg-open' && code === 3 ? 'xdg-open found no browser' : `${name} exited with status ${code}`;
    say.warn(`  Could not open a browser (${why}): ${yourself}`);
  });
  child.unref();
}
