import { ExportProblem } from './problems';

/**
 * What each DOMException a refused File read carries means to the user. Chromium throws NotReadableError for a file
 * whose permission was taken away or that changed after it was picked, and NotFoundError for one moved or deleted.
 */
const REFUSALS: Record<string, string> = {
  NotReadableError: 'the browser was refused it: permission denied, or it changed after it was picked',
  NotFoundError: 'it was moved or deleted after it was picked',
  SecurityError: 'the browser does not allow reading it',
};

/** The unreadable-file problem a failed read of `name` is, when the browser refused it; null for anything else. */
export function refusedRead(name: string, e: unknown): ExportProblem | null {
  const detail = e instanceof DOMException ? REFUSALS[e.name] : undefined;
  return detail ? new ExportProblem({ kind: 'unreadable', name, detail }) : null;
}

/** `file`'s bytes from `start` to `end` (all by default); a read the browser refuses throws ExportProblem. */
export async function readBytes(file: File, start?: number, end?: number): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.slice(start, end).arrayBuffer());
  } catch (e) {
    throw refusedRead(file.name, e) ?? e;
  }
}
