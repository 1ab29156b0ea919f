/** Where the dev server actually listens, and the port `npm start` asked for. */
export interface Served {
  /** The app's URL as the server resolved it, e.g. http://127.0.0.1:5173/. */
  url: string;
  askedPort: number;
}

/**
 * The lines `npm start` prints under Vite's own: the app, the OBS browser source and the export page at the port
 * really served, since a second server (or anything else on 5173) moves Vite to the next free port with only a
 * one-line note, and an OBS source or bookmark with the old port would then reach nothing, or the other server.
 */
export function startLines({ url, askedPort }: Served): string[] {
  const at = (path: string) => new URL(path, url).href;
  const port = Number(new URL(url).port);
  const lines = [
    `  Veil:                ${url}`,
    `  OBS browser source:  ${at('/?obs=1&source=camera')}`,
    `  Anonymize a file:    ${at('/export.html')}`,
  ];
  if (port !== askedPort) {
    lines.push(
      `  Port ${askedPort} was taken (by another program, or another npm start), so Veil is on port ${port} this time: use the addresses above.`,
    );
  }
  return lines;
}
