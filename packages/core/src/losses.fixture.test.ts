/** Parity with torch: cross-entropy with label smoothing and the distillation loss, values and gradients. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { expectClose } from '../../../test-utils/close';
import { crossEntropy, div, loadSafetensors, logSoftmax, mul, softmax, sub, sum, type Tensor } from './index';

const io = loadSafetensors(new Uint8Array(readFileSync(assetPath('fixtures', 'losses', 'ce-and-distill', 'io.safetensors')))).tensors;
const get = (k: string) => io.get(k) as Tensor;
const TOL = { atol: 1e-5, rtol: 1e-5 };

describe('losses match torch (fixtures/losses/ce-and-distill)', () => {
  it('cross-entropy with ignore_index=-100 and label_smoothing=0.1: value and gradient', () => {
    const logits = get('logits').clone().detach().requiresGrad_();
    const loss = crossEntropy(logits, get('labels'), { ignoreIndex: -100, labelSmoothing: 0.1 });
    expectClose(loss.dataSync(), get('ce_smooth').dataSync(), TOL);
    loss.backward();
    expectClose(logits.grad!.dataSync(), get('grad_ce_smooth').dataSync(), TOL);
  });

  it('distillation loss alpha·T²·KL(teacher‖student) + (1-alpha)·CE: terms, value and gradient', () => {
    const [T, alpha] = [2, 0.7];
    const logits = get('logits').clone().detach().requiresGrad_();
    const teacher = get('teacher_logits');
    const pTeacher = softmax(div(teacher, T), -1);
    const kl = div(sum(mul(pTeacher, sub(logSoftmax(div(teacher, T), -1), logSoftmax(div(logits, T), -1)))), logits.shape[0]); // batchmean
    const hard = crossEntropy(logits, get('labels'));
    // the fixture's kl_term is T²·KL
    expectClose(mul(kl, T * T).dataSync(), get('kl_term').dataSync(), TOL);
    expectClose(hard.dataSync(), get('hard_term').dataSync(), TOL);
    const loss = mul(kl, alpha * T * T).add(mul(hard, 1 - alpha));
    expectClose(loss.dataSync(), get('distill_loss').dataSync(), TOL);
    loss.backward();
    expectClose(logits.grad!.dataSync(), get('grad_distill').dataSync(), TOL);
    expect(logits.grad!.shape).toEqual([6, 5]);
  });
});
