import { describe, expect, it } from 'vitest';
import { settingsFromUrl } from './settings';

describe('settingsFromUrl', () => {
  it('reads the documented parameters', () => {
    const { settings, notices } = settingsFromUrl('?source=demo&strength=0.8&scale=1.5&mask=box&boxes=1&budget=400&ep=wasm');
    expect(settings).toEqual({ source: 'demo', strength: 0.8, maskScale: 1.5, shape: 'box', showBoxes: true, budgetMs: 400, provider: 'wasm' });
    expect(notices).toEqual([]);
  });

  it('clamps out-of-range numbers with a notice', () => {
    const { settings, notices } = settingsFromUrl('?strength=7&budget=1');
    expect(settings).toEqual({ strength: 1, budgetMs: 50 });
    expect(notices).toHaveLength(2);
  });

  it('rejects unknown values and non-numbers with a notice, keeping the default', () => {
    const { settings, notices } = settingsFromUrl('?source=%3Cimg%3E&strength=abc');
    expect(settings).toEqual({});
    expect(notices.join(' ')).toContain('expected one of camera, demo');
    expect(notices.join(' ')).toContain('not a number');
  });
});
