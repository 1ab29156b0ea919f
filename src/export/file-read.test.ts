import { describe, expect, it } from 'vitest';
import { readBytes, refusedRead } from './file-read';
import { toProblem } from './problems';

/** A File whose reads fail as the browser's do for a file taken away after it was picked. */
function refusedFile(name: string, error: Error): File {
  const file = new File([new Uint8Array(64)], name);
  file.slice = () => {
    const blob = new Blob([]);
    blob.arrayBuffer = () => Promise.reject(error);
    return blob;
  };
  return file;
}

describe('file reads', () => {
  it('reads the bytes asked for', async () => {
    const file = new File([new Uint8Array([1, 2, 3, 4, 5])], 'a.mp4');
    expect([...(await readBytes(file, 1, 3))]).toEqual([2, 3]);
    expect(await readBytes(file)).toHaveLength(5);
  });

  it('tells a read the browser refuses as an unreadable file, with why', async () => {
    const changed = refusedFile('clip.mp4', new DOMException('could not be read', 'NotReadableError'));
    const problem = await readBytes(changed, 0, 8).catch(toProblem);
    expect(problem).toMatchObject({ kind: 'unreadable', name: 'clip.mp4', detail: /permission denied/ });
    const gone = refusedFile('clip.mp4', new DOMException('not found', 'NotFoundError'));
    expect(await readBytes(gone).catch(toProblem)).toMatchObject({ kind: 'unreadable', detail: /moved or deleted/ });
  });

  it('leaves any other failure as it was', async () => {
    const broken = refusedFile('clip.mp4', new TypeError('boom'));
    expect(await readBytes(broken).catch(toProblem)).toEqual({ kind: 'failed', detail: 'boom' });
    expect(refusedRead('a', new DOMException('x', 'AbortError'))).toBeNull();
  });
});
