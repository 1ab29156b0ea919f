/**
 * What can be wrong with a file's bytes before any frame of it is used, told in the same words by the CLI and the
 * export page: someone who tries one and then the other should not have to read two diagnoses of one file. Each
 * cause has its own message, because each has its own remedy: an empty or cut-off file is a copy that did not
 * finish (get it again), bytes in no known format are another kind of file (pick the right one), and a file the
 * system will not hand over is a permission or a moved file (nothing is wrong with its contents).
 */
export type FileProblem =
  | { kind: 'empty' }
  /** `detail` says what shows it: the missing index, the frames that decode, the decoder's words. */
  | { kind: 'truncated'; detail: string }
  /** `detail`, where there is one, is the reader's verdict (ffprobe's). */
  | { kind: 'not-media'; detail?: string }
  /** `detail` is why the system refused the read: permission denied, moved or deleted. */
  | { kind: 'unreadable'; detail: string };

export interface FileProblemText {
  /** What happened, naming the file: the CLI passes "the file" after the path, the page the file's name. */
  title: string;
  /** What to do next. */
  action: string;
}

export function describeFileProblem(name: string, p: FileProblem): FileProblemText {
  switch (p.kind) {
    case 'empty':
      // The usual cause is a copy or download that never finished, not a format problem: not "not a video".
      return {
        title: `${name} is empty (0 bytes).`,
        action:
          'There is nothing in it to anonymize: it was probably not copied or downloaded completely. Get the complete file and try again.',
      };
    case 'truncated':
      return {
        title: `${name} is truncated or damaged (${p.detail}).`,
        action:
          'It was probably cut off while it was being recorded, copied or downloaded: get the complete file and try again.',
      };
    case 'not-media':
      return {
        title: `${name} is not a video or photo${p.detail ? ` (${p.detail})` : ''}.`,
        action:
          'Its bytes are in no video or photo format Veil knows: it may be another kind of file named like one, or damaged beyond repair. Check that it opens in a media player, or pick another file.',
      };
    case 'unreadable':
      return {
        title: `${name} cannot be read (${p.detail}).`,
        action:
          'Its contents were not looked at. Check that you are allowed to read it and that it is still where it was, then try again.',
      };
  }
}
