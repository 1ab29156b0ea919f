import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/detect/eval-metrics';
import { runEval } from './eval-run';
import { BLAZEFACE_LIVE_EDGE } from '../../src/detect/detector';

// The face sets are shared test data outside the repository; without them this test is skipped, loudly.
const DLIB = '../shared/data/faces/dlib_pascal/annotations.json';
const present = existsSync(DLIB);
if (!present)
  console.warn(`eval-dlib.test: skipped, ${DLIB} not found (the shared face data sets are not checked out)`);

describe.skipIf(!present)(
  `npm run eval's detector on 3 dlib_pascal images${present ? '' : ` (skipped: ${DLIB} not found)`}`,
  () => {
    // BlazeFace's live edge threshold (BLAZEFACE_LIVE_EDGE) finds faces the border cuts, at the price of stray boxes along it.
    it("covers every frontal face with BlazeFace's defaults, at most one stray box an image; live mode's edge threshold adds some", async () => {
      const run = await runEval(DLIB, { model: 'blazeface', detector: {}, limit: 3 });
      const { summary } = summarize(run.results, run.config);
      expect(summary.images).toBe(3);
      expect(summary.faces).toBeGreaterThan(5);
      expect(summary.recall_h20).toBe(1);
      expect(summary.unmatched_per_image).toBeLessThanOrEqual(1);
      expect(run.config.crops_per_image).toBeGreaterThan(1); // the default tiles ran
      const liveRun = await runEval(DLIB, { model: 'blazeface', detector: { edge: BLAZEFACE_LIVE_EDGE }, limit: 3 });
      const live = summarize(liveRun.results, liveRun.config).summary;
      expect(live.recall_h20).toBe(1);
      expect(live.unmatched_per_image).toBeGreaterThan(summary.unmatched_per_image);
    }, 180_000);
  },
);
