/** Parity with torch (fixtures/losses/ce-and-distill): the distillation loss, its terms and its gradient. */
import { readFileSync } from 'node:fs';
import { loadSafetensors, tensor, type Tensor } from '@graft/core';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { DistillError } from './errors';
import { distillationLoss, distillationTerms } from './logit-loss';

const io = loadSafetensors(new Uint8Array(readFileSync(assetPath('fixtures', 'losses', 'ce-and-distill', 'io.safetensors')))).tensors;
const get = (k: string) => io.get(k) as Tensor;
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('logit distillation matches torch (T = 2, α = 0.7, batchmean over all 6 rows, CE ignoring -100)', () => {
  it('value, both terms and the gradient within 1e-5', () => {
    const logits = get('logits').clone().detach().requiresGrad_();
    const teacher = get('teacher_logits').clone().requiresGrad_(); // a teacher that could take gradients gets none
    const { loss, soft, hard } = distillationTerms(logits, teacher, get('labels'), { alpha: 0.7, temperature: 2 });
    expect(Math.abs(soft.itemSync() - get('kl_term').itemSync())).toBeLessThan(1e-5);
    expect(Math.abs(hard!.itemSync() - get('hard_term').itemSync())).toBeLessThan(1e-5);
    expect(Math.abs(loss.itemSync() - get('distill_loss').itemSync())).toBeLessThan(1e-5);
    loss.backward();
    expect(maxAbsDiff(logits.grad!.dataSync(), get('grad_distill').dataSync())).toBeLessThan(1e-5);
    expect(teacher.grad).toBeNull();
  });

  it('token-shaped logits [B, L, C] give the same numbers as their rows', () => {
    const flat = distillationLoss(get('logits'), get('teacher_logits'), get('labels'), { alpha: 0.7, temperature: 2 }).itemSync();
    const asTokens = distillationLoss(get('logits').reshape([2, 3, 5]), get('teacher_logits').reshape([2, 3, 5]), get('labels').reshape([2, 3]), {
      alpha: 0.7,
      temperature: 2,
    }).itemSync();
    expect(asTokens).toBeCloseTo(flat, 6);
  });

  it('a row mask leaves rows out of the KL term, dividing by the rows that count', () => {
    const s = get('logits');
    const t = get('teacher_logits');
    const keep = [0, 1, 2, 4];
    const masked = distillationTerms(s, t, null, { alpha: 1, temperature: 2, rowMask: tensor([1, 1, 1, 0, 1, 0], { dtype: 'int32' }) }).soft.itemSync();
    const idx = tensor(keep, { dtype: 'int32' });
    const subset = distillationTerms(s.indexSelect(0, idx), t.indexSelect(0, idx), null, { alpha: 1, temperature: 2 }).soft.itemSync();
    expect(masked).toBeCloseTo(subset, 6);
  });

  it('α = 0 is the cross-entropy alone, α = 1 the soft term alone; equal logits have no soft loss', () => {
    const s = get('logits');
    const t = get('teacher_logits');
    const y = get('labels');
    expect(distillationLoss(s, t, y, { alpha: 0, temperature: 2 }).itemSync()).toBeCloseTo(get('hard_term').itemSync(), 6);
    expect(distillationLoss(s, t, null, { alpha: 1, temperature: 2 }).itemSync()).toBeCloseTo(get('kl_term').itemSync(), 6);
    expect(Math.abs(distillationLoss(s, s, null, { alpha: 1, temperature: 3 }).itemSync())).toBeLessThan(1e-6);
  });

  it('refuses bad α, T, shapes and missing labels with typed errors', () => {
    const s = get('logits');
    const t = get('teacher_logits');
    const y = get('labels');
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(DistillError);
        return `${(e as DistillError).code}:${(e as DistillError).field}`;
      }
      return 'no error';
    };
    expect(code(() => distillationLoss(s, t, y, { alpha: 1.5, temperature: 2 }))).toBe('distill_config:alpha');
    expect(code(() => distillationLoss(s, t, y, { alpha: 0.5, temperature: 0 }))).toBe('distill_config:temperature');
    expect(
      code(() =>
        distillationLoss(
          s,
          t.slice([
            [0, 6],
            [0, 4],
          ]),
          y,
          { alpha: 0.5, temperature: 2 },
        ),
      ),
    ).toBe('distill_output:undefined');
    expect(code(() => distillationLoss(s, t, null, { alpha: 0.5, temperature: 2 }))).toBe('distill_output:labels');
    expect(code(() => distillationLoss(s, t, y.cast('float32'), { alpha: 0.5, temperature: 2 }))).toBe('distill_output:labels');
    expect(code(() => distillationLoss(s, t, y.slice([[0, 5]]), { alpha: 0.5, temperature: 2 }))).toBe('distill_output:labels');
  });
});
