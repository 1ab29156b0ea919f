import { describe, expect, it } from 'vitest';
import { FramePacer } from './frame-pacer';

describe('FramePacer', () => {
  it('drops frames while two renders are on the GPU, and takes them again when one finishes', () => {
    const pacer = new FramePacer();
    pacer.renderSubmitted();
    expect(pacer.ready).toBe(true);
    pacer.renderSubmitted();
    expect(pacer.ready).toBe(false);
    pacer.renderDone();
    expect(pacer.ready).toBe(true);
  });

  it('drops frames while one is still being converted on the CPU', () => {
    const pacer = new FramePacer();
    pacer.importStarted();
    expect(pacer.ready).toBe(false);
    pacer.importEnded();
    expect(pacer.ready).toBe(true);
  });

  it('stops counting the renders of a lost device, which never report back', () => {
    const pacer = new FramePacer();
    pacer.renderSubmitted();
    pacer.renderSubmitted();
    pacer.forgetRenders();
    expect(pacer.ready).toBe(true);
  });
});
