import { dirFiles } from '@graft/models/node';
import { expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { gradualUnfreezing } from './gradual-unfreezing';

it('the gradual-unfreezing example opens the four stages top first on schedule, with rates decayed by depth', async () => {
  const lines: string[] = [];
  const r = await gradualUnfreezing(dirFiles(assetPath('models', 'bert-tiny-imdb-mlm')), dirFiles(assetPath('datasets', 'sst2')), {
    steps: 8,
    every: 2,
    log: (l) => lines.push(l),
  });
  expect(r.stages).toBe(4);
  expect(lines.slice(0, 4)).toEqual([
    'stage 0: classifier',
    'stage 1: bert.encoder.layer.1, bert.pooler',
    'stage 2: bert.encoder.layer.0',
    'stage 3: bert.embeddings',
  ]);
  // head and pooler at lr, the top layer at lr·0.8, the lower at lr·0.8², the embeddings at lr·0.8³
  expect(lines).toContain('learning rates by depth: 3.00e-4, 2.40e-4, 1.92e-4, 1.54e-4');
  expect(r.opened).toEqual([2, 4, 6]);
  // the classifier (258), then the top layer and pooler (198,272 + 16,512), then the lower layer, then everything
  expect(lines.filter((l) => l.includes('opens')).map((l) => l.split('; ')[1])).toEqual([
    '215,042 parameters train',
    '413,314 parameters train',
    '4,386,178 parameters train',
  ]);
  expect(r.losses).toHaveLength(4);
  for (const l of r.losses) expect(l).toBeGreaterThan(0), expect(l).toBeLessThan(2);
}, 180_000);
