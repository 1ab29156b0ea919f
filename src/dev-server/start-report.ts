import type { Plugin } from 'vite';
import { openBrowser, openerFor } from './open-browser.ts';
import { startLines } from './start-lines.ts';

/**
 * Prints, under Vite's URLs, the app, OBS and export addresses at the port really served (and says so when it is
 * not the port asked for), and opens the browser itself when `--open` is given, saying when none could be opened.
 */
export function startReport(): Plugin {
  let open: boolean | string = false;
  return {
    name: 'veil-start-report',
    apply: 'serve',
    config(config, env) {
      if (env.isPreview) return;
      open = config.server?.open ?? false;
      // Vite's own opener reports nothing when no browser starts; this plugin opens it and reports instead.
      return { server: { open: false } };
    },
    configureServer(server) {
      const printUrls = server.printUrls.bind(server);
      const { logger } = server.config;
      // Read before it listens: Vite then overwrites the option with the port it found free.
      const askedPort = server.config.server.port;
      server.printUrls = () => {
        printUrls();
        const url = server.resolvedUrls?.local[0] ?? server.resolvedUrls?.network[0];
        if (!url) return;
        logger.info('');
        for (const line of startLines({ url, askedPort })) logger.info(line);
        if (open === false) return;
        const target = typeof open === 'string' ? new URL(open, url).href : url;
        // Once: the `u` shortcut prints the URLs again, and must not open another tab.
        open = false;
        openBrowser(target, openerFor(process.env, process.platform), {
          info: (line) => logger.info(line),
          warn: (line) => logger.warn(line),
        });
      };
    },
  };
}
