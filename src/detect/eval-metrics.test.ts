import { describe, expect, it } from 'vitest';
import { bucketOf, coverage, onTruth, scoreImage, summarize } from './eval-metrics';

const box = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });

describe('coverage', () => {
  it('is the share of the face inside the box', () => {
    expect(coverage(box(0, 0, 10, 10), box(0, 0, 100, 100))).toBe(1);
    expect(coverage(box(0, 0, 10, 10), box(5, 0, 100, 100))).toBe(0.5);
    expect(coverage(box(0, 0, 10, 10), box(10, 0, 5, 5))).toBe(0);
  });
});

describe('scoreImage', () => {
  it('covers a face from half its area, and counts boxes that touch no face at IoU > 0.1 as unmatched', () => {
    const faces = [box(0, 0, 10, 10), box(100, 100, 10, 10)];
    const s = scoreImage(faces, [box(5, 0, 10, 10), box(300, 300, 10, 10)]);
    expect(s.covered).toEqual([true, false]);
    expect(s.unmatched).toBe(1);
  });
});

describe('summarize', () => {
  it('writes exactly the documented fields, recall by height bucket and over faces >= 20 px', () => {
    expect([9.9, 10, 19, 20, 40, 80, 159, 160].map(bucketOf)).toEqual([
      '0-10',
      '10-20',
      '10-20',
      '20-40',
      '40-80',
      '80-160',
      '80-160',
      '160+',
    ]);
    const { summary } = summarize(
      [
        { faces: [box(0, 0, 5, 5), box(50, 50, 30, 30)], boxes: [box(50, 50, 30, 30)], ms: 10 },
        { faces: [box(0, 0, 30, 30)], boxes: [box(500, 500, 9, 9)], ms: 30 },
      ],
      { model: 'test' },
    );
    expect(Object.keys(summary)).toEqual([
      'images',
      'faces',
      'recall_by_height',
      'recall_h20',
      'unmatched_per_image',
      'ms_per_image',
      'config',
    ]);
    expect(summary).toEqual({
      images: 2,
      faces: 3,
      recall_by_height: { '0-10': 0, '10-20': null, '20-40': 0.5, '40-80': null, '80-160': null, '160+': null },
      recall_h20: 0.5,
      unmatched_per_image: 0.5,
      ms_per_image: 20,
      config: { model: 'test' },
    });
  });
});

describe('onTruth', () => {
  const face = { x: 100, y: 100, w: 40, h: 40 };
  const det = (x: number, y: number, w: number, h = w) => ({ box: { x, y, w, h }, score: 0.9 });

  it('keeps boxes on a face, whether they hold most of it or lie mostly inside it', () => {
    const onFace = det(105, 105, 40);
    const inside = det(110, 110, 10);
    const around = det(60, 60, 120);
    expect(onTruth([onFace, inside, around], [face], 0.3)).toEqual([onFace, inside, around]);
  });

  it('drops boxes that only graze a face or miss every face', () => {
    const grazing = det(130, 130, 40);
    const elsewhere = det(300, 20, 40);
    expect(onTruth([grazing, elsewhere], [face], 0.3)).toEqual([]);
    expect(onTruth([det(105, 105, 40)], [], 0.3)).toEqual([]);
  });
});
