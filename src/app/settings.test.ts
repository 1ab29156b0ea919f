import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  loadStoredSettings,
  settingsFromUrl,
  settingsToUrl,
  storeSettings,
  type Settings,
} from './settings';

describe('settingsFromUrl', () => {
  it('reads the documented parameters', () => {
    const { settings, notices } = settingsFromUrl(
      '?source=demo&strength=0.8&scale=1.5&mask=box&boxes=1&budget=400&ep=wasm&edges=0',
    );
    expect(settings).toEqual({
      source: 'demo',
      strength: 0.8,
      maskScale: 1.5,
      shape: 'box',
      showBoxes: true,
      budgetMs: 400,
      provider: 'wasm',
      unseenEdges: false,
    });
    expect(notices).toEqual([]);
  });

  it('reads the model, tiles and threshold; by default YuNet with its own tiles and threshold', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ model: 'yunet', tiles: 'auto', threshold: null });
    const { settings, notices } = settingsFromUrl('?model=blazeface&tiles=auto&threshold=0.4');
    expect(settings).toEqual({ model: 'blazeface', tiles: 'auto', threshold: 0.4 });
    expect(notices).toEqual([]);
    const bad = settingsFromUrl('?model=retinaface&tiles=maybe');
    expect(bad.settings).toEqual({});
    expect(bad.notices.join(' ')).toContain('expected one of yunet, blazeface');
    expect(bad.notices.join(' ')).toContain('expected one of auto, on, off');
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

  it("takes budget=auto (the default: by the detector's measured pace) but auto nowhere else", () => {
    expect(DEFAULT_SETTINGS.budgetMs).toBeNull();
    expect(settingsFromUrl('?budget=auto')).toEqual({ settings: { budgetMs: null }, notices: [] });
    const { settings, notices } = settingsFromUrl('?strength=auto&budget=soon');
    expect(settings).toEqual({});
    expect(notices).toEqual(['Ignored strength=auto: not a number.', 'Ignored budget=soon: not a number (or auto).']);
  });
});

describe('settings round trips', () => {
  it('every setting survives settingsToUrl -> settingsFromUrl', () => {
    const s: Settings = {
      source: 'demo',
      effect: 'mosaic',
      strength: 0.75,
      maskScale: 2,
      shape: 'box',
      showBoxes: true,
      budgetMs: 900,
      provider: 'webgpu',
      backend: 'webgl',
      frameImport: 'cpu',
      model: 'blazeface',
      tiles: 'off',
      threshold: 0.3,
      nms: 'plain',
      motionGuard: 25,
      unseenEdges: false,
      obs: true,
      transparent: true,
    };
    expect({ ...DEFAULT_SETTINGS, ...settingsFromUrl(settingsToUrl(s)).settings }).toEqual(s);
  });

  it("leaves the model's own threshold and tiles out of the URL, and they come back as such", () => {
    const s: Settings = { ...DEFAULT_SETTINGS, model: 'blazeface', tiles: 'on' };
    expect(settingsToUrl(s)).toBe('?model=blazeface&tiles=on');
    expect({ ...DEFAULT_SETTINGS, ...settingsFromUrl(settingsToUrl(s)).settings }).toEqual(s);
    expect(settingsToUrl(DEFAULT_SETTINGS)).toBe('?');
  });

  it('stores what the control bar changes and re-validates it on load', () => {
    const mem = new Map<string, string>();
    const storage = {
      getItem: (k: string) => mem.get(k) ?? null,
      setItem: (k: string, v: string) => void mem.set(k, v),
    };
    storeSettings({ ...DEFAULT_SETTINGS, strength: 0.9, shape: 'box', obs: true }, storage);
    expect(loadStoredSettings(storage)).toEqual({
      effect: 'gaussian',
      strength: 0.9,
      maskScale: 1.3,
      shape: 'box',
      showBoxes: false,
    });
    mem.set('veil.settings', '{"strength": 40, "shape": "<b>"}');
    expect(loadStoredSettings(storage)).toEqual({ strength: 1 });
    mem.set('veil.settings', 'not json');
    expect(loadStoredSettings(storage)).toEqual({});
  });
});
