import { expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { fromPytorch } from './from-pytorch';

it("loads transformers' checkpoint and PEFT's adapter and matches PyTorch's logits", async () => {
  const lines: string[] = [];
  const r = await fromPytorch(assetPath('fixtures'), (l) => lines.push(l));
  // the parity bounds of @graft/models and @graft/peft
  expect(r.modelDiff).toBeLessThan(1e-4);
  expect(r.adapterDiff).toBeLessThan(1e-5);
  expect(r.mergedDiff).toBeLessThan(1e-5);
  // PEFT printed the same counts for this adapter (the fixture's README.json)
  expect(lines).toContain('PEFT adapter: trainable params: 1,090 || all params: 53,154 || trainable%: 2.0506');
});
