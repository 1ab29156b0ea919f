import { type ChildProcess, spawn } from 'node:child_process';

/** Stops the server and what it started (its process group). */
export function stopServer(server: ChildProcess): void {
  if (server.pid !== undefined) process.kill(-server.pid, 'SIGTERM');
}

/** Serves a built folder with `vite preview` (the app's config: its headers) on 127.0.0.1, once it answers. */
export async function servePreview(outDir: string, port: number): Promise<ChildProcess> {
  const server = spawn(
    'npx',
    ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--outDir', outDir],
    // Its own process group: npx starts vite as a child, which killing npx alone leaves serving.
    { stdio: 'ignore', detached: true },
  );
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  stopServer(server);
  throw new Error(`nothing served ${outDir} on port ${port}`);
}
