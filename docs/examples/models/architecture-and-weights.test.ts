import { dirFiles } from '@graft/models/node';
import { expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { architectureAndWeights } from './architecture-and-weights';

it('the same architecture fills the mask with sentiment words only with the pretrained weights', async () => {
  const lines: string[] = [];
  const { random, pretrained } = await architectureAndWeights(dirFiles(assetPath('models', 'bert-tiny-imdb-mlm')), (l) => lines.push(l));
  const sentiment = ['good', 'bad', 'great', 'awful', 'terrible', 'excellent', 'wonderful', 'amazing', 'boring', 'horrible', 'brilliant', 'funny', 'perfect'];
  expect(pretrained.filter((t) => sentiment.includes(t)).length).toBeGreaterThanOrEqual(2);
  expect(random.filter((t) => sentiment.includes(t)).length).toBeLessThanOrEqual(1);
  expect(lines[0]).toBe('architecture: 2 layers, hidden 128, 2 heads, vocabulary 30522');
  // the same parameter count: the weights, not the code, differ
  const [r, p] = lines[1].match(/\d[\d,]*/g)!;
  expect(r).toBe(p);
});
