import { toAppError, type AppError } from '../app/errors';
import { ModelLoadError } from '../detect/model';
import { GpuUnavailableError } from '../gpu/device';
import { GlUnavailableError } from '../gpu/gl-context';
import { describeFileProblem } from '../offline/file-problems';
import { formatDuration } from '../offline/time-left';
import { describeError } from '../ui/messages';

/**
 * What can go wrong with a file the user gave us, each with what the page says and what to do. Anything else is
 * a bug or a broken browser, shown as 'failed' with its message.
 */
export type Problem =
  | { kind: 'empty'; name: string }
  | { kind: 'not-media'; name: string }
  | { kind: 'unsupported-format'; name: string; what: string }
  | { kind: 'truncated'; name: string; detail: string }
  /** The browser would not hand over the bytes: permission, or the file moved or changed after it was picked. */
  | { kind: 'unreadable'; name: string; detail: string }
  | { kind: 'unsupported-codec'; name: string; codec: string }
  | { kind: 'no-frames'; name: string; audioOnly: boolean }
  | { kind: 'too-large'; name: string; width: number; height: number; max: string }
  | { kind: 'too-long'; name: string; seconds: number; maxSeconds: number }
  | { kind: 'no-webcodecs' }
  | { kind: 'cannot-encode' }
  /** No GPU, or the face model did not load: the app's own errors, in the app's words. */
  | { kind: 'setup'; error: AppError }
  | { kind: 'failed'; detail: string };

/** A Problem as an exception, so the steps can throw it and the page can tell it from bugs. */
export class ExportProblem extends Error {
  constructor(readonly problem: Problem) {
    super(describeProblem(problem).title);
    this.name = 'ExportProblem';
  }
}

export function toProblem(e: unknown): Problem {
  if (e instanceof ExportProblem) return e.problem;
  if (e instanceof GpuUnavailableError || e instanceof GlUnavailableError || e instanceof ModelLoadError)
    return { kind: 'setup', error: toAppError(e) };
  return { kind: 'failed', detail: e instanceof Error ? e.message : String(e) };
}

export interface ProblemText {
  title: string;
  /** What to do next. */
  action: string;
}

const FORMATS = 'Veil reads videos in MP4, MOV or WebM and photos in JPEG, PNG or WebP';
const CONVERT =
  'Convert it first (for example `ffmpeg -i IN -c:v libx264 -c:a aac OUT.mp4`), or use `npx veil anonymize`, ' +
  'which reads anything ffmpeg reads.';

export function describeProblem(p: Problem): ProblemText {
  switch (p.kind) {
    // In the CLI's words: the same file gets the same diagnosis there and here.
    case 'empty':
    case 'not-media':
    case 'truncated':
    case 'unreadable':
      return describeFileProblem(p.name, p);
    case 'unsupported-format':
      return { title: `${p.name}: ${p.what} are not supported here.`, action: `${FORMATS}. ${CONVERT}` };
    case 'unsupported-codec':
      return { title: `${p.name}: this browser cannot decode its video (${p.codec}).`, action: CONVERT };
    case 'no-frames':
      return {
        title: `${p.name} has no video frames${p.audioOnly ? ', only audio' : ''}.`,
        action: 'There is nothing to anonymize: pick a video or a photo.',
      };
    case 'too-large':
      return {
        title: `${p.name} is ${p.width}x${p.height}: larger than this page handles (${p.max}).`,
        action:
          'Scale it down first (for example `ffmpeg -i IN -vf scale=-2:2160 OUT.mp4`), or use `npx veil anonymize`.',
      };
    case 'too-long':
      return {
        title: `${p.name} is ${formatDuration(p.seconds)} long: more than this page keeps in memory (${formatDuration(p.maxSeconds)}).`,
        action: 'Cut it into parts, or use `npx veil anonymize`, which streams any length to disk.',
      };
    case 'no-webcodecs':
      return {
        title: 'This browser has no WebCodecs, which the page needs to decode and encode video.',
        action: 'Use Chrome or Edge 94+, Safari 26+ or Firefox 130+, or `npx veil anonymize`.',
      };
    case 'cannot-encode':
      return {
        title: 'This browser can encode neither H.264 nor VP9/VP8 video, so it cannot write the result.',
        action: 'Use Chrome or Edge, or `npx veil anonymize`.',
      };
    case 'setup':
      // The live app's words for this speak of the picture staying blurred; here no file is made at all.
      if (p.error.kind === 'model-load') {
        return {
          title: 'The face detector could not be loaded, so nothing can be anonymized.',
          action:
            'Reload the page. If it persists, reinstall (npm install): the model files in public/models may be missing or damaged. Nothing was written.',
        };
      }
      return describeError(p.error);
    case 'failed':
      return {
        title: `Anonymizing failed: ${p.detail}`,
        action: 'Nothing was written. Reload the page and try again; if it persists, use `npx veil anonymize`.',
      };
  }
}
