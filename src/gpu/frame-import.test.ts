import { describe, expect, it } from 'vitest';
import { chooseImportPath, uploadsAsDisplayed } from './frame-import';

describe('chooseImportPath', () => {
  it('keeps what the user asked for', () => {
    expect(chooseImportPath('gpu', true)).toBe('gpu');
    expect(chooseImportPath('cpu', false)).toBe('cpu');
  });

  it('converts on the GPU where there is a real one, and on the CPU only where VideoFrame can do it', () => {
    expect(chooseImportPath('auto', false)).toBe('gpu');
    // Node has no VideoFrame: even a software adapter stays on the copy that needs none.
    expect(typeof VideoFrame).toBe('undefined');
    expect(chooseImportPath('auto', true)).toBe('gpu');
  });
});

describe('uploadsAsDisplayed', () => {
  const rect = { width: 640, height: 360 };

  it('takes an upright frame stored at the texture size', () => {
    expect(uploadsAsDisplayed({ visibleRect: rect }, 640, 360)).toBe(true);
    expect(uploadsAsDisplayed({ visibleRect: rect, rotation: 0, flip: false }, 640, 360)).toBe(true);
  });

  it('leaves to the GPU copy what copyTo would give other than as displayed', () => {
    // Non-square pixels: 640x360 stored, shown 640x480.
    expect(uploadsAsDisplayed({ visibleRect: rect }, 640, 480)).toBe(false);
    expect(uploadsAsDisplayed({ visibleRect: rect, rotation: 90 }, 640, 360)).toBe(false);
    expect(uploadsAsDisplayed({ visibleRect: rect, flip: true }, 640, 360)).toBe(false);
    expect(uploadsAsDisplayed({ visibleRect: null }, 640, 360)).toBe(false);
  });
});
