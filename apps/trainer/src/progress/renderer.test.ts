import { describe, expect, it } from 'vitest';
import { createProgress, formatMetrics } from './renderer';

function target(isTTY: boolean) {
  let text = '';
  return {
    isTTY,
    columns: 120,
    write: (s: string) => ((text += s), true),
    get text() {
      return text;
    },
  };
}

const begin = { kind: 'train_begin', step: 0, totalSteps: 40, numEpochs: 2, stepsPerEpoch: 20 } as const;
function step(n: number, rate: number | null) {
  return {
    kind: 'step',
    step: n,
    totalSteps: 40,
    epoch: n / 20,
    elapsedSeconds: n / 4,
    stepsPerSecond: rate,
    samplesPerSecond: rate && rate * 32,
    etaSeconds: rate && (40 - n) / rate,
    loss: 0.7 - n / 100,
    learningRate: 1e-4,
  } as const;
}

describe('progress', () => {
  it('prints plain lines every 5% of the steps when stderr is not a terminal, with speed and ETA once measured', () => {
    const t = target(false);
    const p = createProgress({ target: t, label: 'train' });
    p.render(begin);
    for (let n = 1; n <= 40; n++) p.render(step(n, n > 5 ? 4 : null));
    p.render({ kind: 'evaluate', step: 40, metrics: { eval_accuracy: 0.8125, eval_f1: 0.8, eval_loss: 0.45, eval_runtime: 1.5 } });
    p.render({ kind: 'train_end', step: 40, totalSteps: 40, elapsedSeconds: 12 });
    const lines = t.text.trim().split('\n');
    expect(lines[0]).toBe('train: 40 steps, 2 epoch(s) of 20 batches');
    expect(lines.filter((l) => l.startsWith('step '))).toHaveLength(20);
    expect(lines[1]).toBe('step 2/40  epoch 0.10  loss 0.6800  lr 1.00e-4  --  eta --');
    expect(lines).toContain('step 40/40  epoch 2.00  loss 0.3000  lr 1.00e-4  128.0 samples/s  eta 0s');
    expect(lines).toContain('evaluation at step 40: accuracy 0.8125  f1 0.8000  loss 0.4500');
    expect(lines.at(-1)).toBe('train: 40 steps in 12s');
    expect(p.samplesPerSecond).toBe(128);
  });

  it('draws a bar on a terminal, with evaluation lines above it', () => {
    const t = target(true);
    const p = createProgress({ target: t, label: 'train' });
    p.render(begin);
    p.render(step(10, 4));
    p.render({ kind: 'evaluate', step: 10, metrics: { eval_accuracy: 0.5 } });
    p.render({ kind: 'train_end', step: 40, totalSteps: 40, elapsedSeconds: 12 });
    expect(t.text).toContain('evaluation at step 10: accuracy 0.5000');
    expect(t.text).toMatch(/train .*\| epoch/);
  });

  it('shows the trainable share on every line, as it changes, and notes above the bar or as lines', () => {
    let share = 0.19;
    for (const isTTY of [false, true]) {
      const t = target(isTTY);
      const p = createProgress({ target: t, label: 'train', every: 1, trainable: () => ({ trainable: 1, all: 1, percent: share }) });
      p.render(begin);
      p.render(step(1, null));
      share = 12.345;
      p.note('unfroze bert.encoder.layer.1');
      p.render(step(2, null));
      p.render({ kind: 'train_end', step: 40, totalSteps: 40, elapsedSeconds: 12 });
      if (!isTTY) {
        const lines = t.text.trim().split('\n');
        expect(lines[1]).toBe('step 1/40  epoch 0.05  loss 0.6900  lr 1.00e-4  trainable 0.19%  --  eta --');
        expect(lines[2]).toBe('unfroze bert.encoder.layer.1');
        expect(lines[3]).toContain('trainable 12.3%');
      } else {
        expect(t.text).toContain('unfroze bert.encoder.layer.1');
        expect(t.text).toMatch(/\| trainable 12\.3% \|/);
      }
      share = 0.19;
    }
  });

  it('is silent when quiet', () => {
    const t = target(false);
    const p = createProgress({ target: t, label: 'train', quiet: true });
    p.render(begin);
    p.render(step(1, null));
    p.render({ kind: 'train_end', step: 1, totalSteps: 40, elapsedSeconds: 1 });
    expect(t.text).toBe('');
  });

  it('formats metrics with or without the eval_/test_ prefix', () => {
    expect(formatMetrics({ test_accuracy: 0.9, test_f1: 0.85, test_runtime: 3 })).toBe('accuracy 0.9000  f1 0.8500');
    expect(formatMetrics({ loss: 4.5, perplexity: 90 })).toBe('loss 4.5000  perplexity 90.0000');
  });
});
