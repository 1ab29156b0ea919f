import { describe, expect, it } from 'vitest';
import { openBrowser, openerFor } from './open-browser';

describe('openerFor', () => {
  it('honours BROWSER as Vite does, else the system opener', () => {
    expect(openerFor({ BROWSER: 'none' }, 'linux')).toEqual({ skip: 'BROWSER=none' });
    expect(openerFor({ BROWSER: 'firefox', BROWSER_ARGS: '--new-window' }, 'linux')).toEqual({
      command: 'firefox',
      args: ['--new-window'],
    });
    expect(openerFor({ BROWSER: 'open.js' }, 'linux')).toEqual({ command: process.execPath, args: ['open.js'] });
    expect(openerFor({}, 'linux')).toEqual({ command: 'xdg-open', args: [] });
    expect(openerFor({}, 'darwin')).toEqual({ command: 'open', args: [] });
  });
});

describe('openBrowser', () => {
  it('says when the opener fails, and what to do instead', async () => {
    const lines: string[] = [];
    const warned = new Promise<string>((done) =>
      openBrowser(
        'http://127.0.0.1:5173/',
        { command: process.execPath, args: ['-e', 'process.exit(4)'] },
        { info: (l) => lines.push(l), warn: done },
      ),
    );
    expect(await warned).toMatch(
      /Could not open a browser \(.* exited with status 4\): open http:\/\/127\.0\.0\.1:5173\/ yourself\./,
    );
    expect(lines).toEqual([expect.stringMatching(/Opening it in your browser/)]);
  });
});
