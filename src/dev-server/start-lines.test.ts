import { describe, expect, it } from 'vitest';
import { startLines } from './start-lines';

describe('startLines', () => {
  it('gives the app, OBS and export addresses at the served port, and a note only when it is not the one asked for', () => {
    const same = startLines({ url: 'http://127.0.0.1:5173/', askedPort: 5173 });
    expect(same).toEqual([
      '  Veil:                http://127.0.0.1:5173/',
      '  OBS browser source:  http://127.0.0.1:5173/?obs=1&source=camera',
      '  Anonymize a file:    http://127.0.0.1:5173/export.html',
    ]);
    const moved = startLines({ url: 'http://127.0.0.1:5174/', askedPort: 5173 });
    expect(moved.slice(0, 3).every((l) => l.includes(':5174/'))).toBe(true);
    expect(moved[3]).toMatch(/Port 5173 was taken .* Veil is on port 5174 this time/);
  });
});
