import { describe, expect, it } from 'vitest';
import { splitLogHistory, type ReportData } from './report-data';
import { readReportData, renderReportHtml } from './report-html';

const logHistory = [
  { step: 10, epoch: 0.5, loss: 0.69, learning_rate: 5e-5 },
  { step: 20, epoch: 1, loss: 0.55, learning_rate: 4e-5 },
  { step: 20, epoch: 1, eval_loss: 0.5, eval_accuracy: 0.75, eval_f1: 0.74, eval_runtime: 1.2 },
  { step: 40, epoch: 2, loss: 0.41, learning_rate: 1e-5 },
  { step: 40, epoch: 2, eval_loss: 0.45, eval_accuracy: 0.8, eval_f1: 0.79 },
];

function sample(): ReportData {
  const { train, evals } = splitLogHistory(logHistory);
  return {
    title: 'graft train: bert-tiny on sst2 </script><script>alert(1)</script>',
    createdAt: '2025-01-01T00:00:00Z',
    versions: { '@graft/cli': '0.1.0' },
    model: { path: 'assets/models/bert-tiny-imdb-mlm', modelType: 'bert', parameters: 4_400_000, trainableParameters: 4_400_000 },
    data: { train: 'sst2 (train.tsv)', trainSamples: 2000 },
    hyperparameters: { learningRate: 1e-4, numTrainEpochs: 2 },
    train,
    evals,
    confusionMatrix: {
      labels: ['negative', 'positive'],
      matrix: [
        [300, 128],
        [46, 398],
      ],
    },
    final: evals[evals.length - 1].metrics,
  };
}

describe('splitLogHistory', () => {
  it('separates training points from evaluations and strips eval_', () => {
    const { train, evals } = splitLogHistory(logHistory);
    expect(train.map((p) => p.loss)).toEqual([0.69, 0.55, 0.41]);
    expect(train[0].learningRate).toBe(5e-5);
    expect(evals).toHaveLength(2);
    expect(evals[0].metrics).toEqual({ loss: 0.5, accuracy: 0.75, f1: 0.74, runtime: 1.2 });
  });
});

describe('report.html', () => {
  const html = renderReportHtml(sample());

  it('carries its data in a JSON block that reads back unchanged', () => {
    expect(readReportData(html)).toEqual(JSON.parse(JSON.stringify(sample())));
  });

  it('is self-contained: no external scripts, stylesheets, images, fonts or fetches', () => {
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<img\b/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/\bfetch\(|XMLHttpRequest/);
    // the only URL is uPlot's licence banner, inside a comment
    const urls = [...html.matchAll(/\b(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'<>)]*/gi)].map((m) => m[0]);
    expect(urls).toEqual(['https://github.com/leeoniya/uPlot']);
    expect(html).toContain('/*! https://github.com/leeoniya/uPlot');
    expect(html).toContain('uPlot=function()'); // the library itself is inlined
  });

  it('escapes text so a hostile title cannot close the script or inject markup', () => {
    const scripts = html.match(/<script\b/gi) ?? [];
    expect(scripts).toHaveLength(3);
    expect(html).not.toContain('<script>alert(1)</script>');
  });

  it('has scripts that parse, and the tables a reader needs without scripts', () => {
    for (const m of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) expect(() => new Function(m[1])).not.toThrow();
    expect(html).toContain('<table class="cm">');
    expect(html).toMatch(/<td style="background:rgba\(34,139,84,0\.90\)">398<\/td>/);
    expect(html).toContain('learningRate');
    expect(html).toContain('80.0%'); // the final accuracy card
  });

  it('shows the training method, its trainable share with digits that do not round to 0, and its settings', () => {
    const lora = renderReportHtml({
      ...sample(),
      model: { ...sample().model, parameters: 4_386_178, trainableParameters: 8_450 },
      method: { name: 'lora', trainable: 8_450, all: 4_386_178, percent: (100 * 8_450) / 4_386_178, settings: { r: 8, target_modules: ['query', 'value'] } },
    });
    expect(lora).toContain('<div class="v">8,450 (0.19%)</div><div class="k">trainable parameters (lora)</div>');
    expect(lora).toContain('<tr><th>method</th><td>lora</td></tr>');
    expect(lora).toContain('<tr><th>lora r</th><td>8</td></tr>');
    expect(lora).toContain('<tr><th>lora target_modules</th><td>[&#34;query&#34;,&#34;value&#34;]</td></tr>');
    expect(readReportData(lora).method?.trainable).toBe(8_450);
  });
});
