import { GpuUnavailableError } from '../gpu/device';
import { GlUnavailableError } from '../gpu/gl-context';
import { ModelLoadError } from '../detect/model';
import { SourceError } from '../source/video-source';

export type AppErrorKind =
  | GpuUnavailableError['kind']
  | GlUnavailableError['kind']
  | SourceError['kind']
  | 'model-load'
  | 'device-lost'
  | 'detector-error'
  | 'frames-refused'
  | 'draw-failed'
  | 'internal';

/** What went wrong, typed; src/ui/messages.ts turns it into words and a next step. */
export interface AppError {
  kind: AppErrorKind;
  detail: string;
}

/** The GPU was lost while live mode set it up, before there was anything to rebuild: it is set up again. */
export class LostWhileSettingUpError extends Error {
  constructor(reason: string) {
    super(`The GPU was lost while it was being set up (${reason}).`);
    this.name = 'LostWhileSettingUpError';
  }
}

export function toAppError(e: unknown): AppError {
  if (e instanceof LostWhileSettingUpError) return { kind: 'device-lost', detail: e.message };
  if (e instanceof GpuUnavailableError || e instanceof GlUnavailableError || e instanceof SourceError)
    return { kind: e.kind, detail: e.message };
  if (e instanceof ModelLoadError) return { kind: 'model-load', detail: e.message };
  return { kind: 'internal', detail: e instanceof Error ? e.message : String(e) };
}
