import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../../../test-utils/assets';
import { runDemo } from './fine-tune-sst2';

it('the demo runs end to end (a short version: 256 sentences, 1 epoch)', async () => {
  const runDir = join(mkdtempSync(join(tmpdir(), 'graft-demo-')), 'run');
  expect(await runDemo({ root: repoRoot, runDir, trainSamples: 256, epochs: 1, quiet: true })).toBe(0);
}, 180_000);
