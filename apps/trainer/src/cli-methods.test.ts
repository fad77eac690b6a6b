/**
 * `graft train --method …`, `graft merge` and adapters in `predict`/`eval`, in process on the
 * fixture models (2 layers, 32 wide) with a few steps each: every method trains what it should
 * (the frozen weights in best/ are the base model's, bit for bit), reports its counts in `--json`,
 * the progress lines and report.html, and saves an HF checkpoint or PEFT's adapter files; an
 * adapter folder predicts and evaluates like the run that trained it; a merged LoRA computes the
 * adapter model's logits within 1e-5; and every wrong method or flag is one line and exit 2.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadSafetensors, noGrad } from '@graft/core';
import { fromPretrained } from '@graft/models/node';
import { PeftModel } from '@graft/peft/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModelWithTokenizer } from '../../../test-utils/model-tokenizers';
import { EXIT } from './exit-codes';
import { runCli } from './program';
import { graftJson, graftOk, resumedAndWhole, SMALL_RUN, sink } from './test-in-process';
import { readReportData } from './report/report-html';
import { paddedBatch } from './test-inputs';

const work = mkdtempSync(join(tmpdir(), 'graft-cli-methods-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const small = SMALL_RUN;
let bert: string;

/** Tensors of a safetensors file by name. */
function tensorsOf(path: string): Map<string, Float32Array> {
  const { tensors } = loadSafetensors(new Uint8Array(readFileSync(path)));
  return new Map([...tensors].map(([k, t]) => [k, t.dataSync() as Float32Array]));
}

beforeAll(() => {
  bert = fixtureModelWithTokenizer('bert-seqcls');
});

describe('graft train --method', () => {
  /** [method and flags, trainable parameters of the fixture BERT (53,154 in all), what best/ holds] */
  const cases: [string[], number, 'model' | 'adapter'][] = [
    [['--method', 'full'], 53_154, 'model'],
    [['--method', 'head'], 66, 'model'],
    // the classifier, the pooler (1,056) and layer 1 (8,544)
    [['--method', 'freeze:1'], 66 + 1_056 + 8_544, 'model'],
    // one stage a step: by step 4 the embeddings trained too
    [['--method', 'gradual', '--unfreeze-every', '1', '--layer-lr-decay', '0.8'], 53_154, 'model'],
    // r 4 on query and value of 2 layers: 2 · 2 · (4·32 + 32·4), and the classifier
    [['--method', 'lora', '--lora-r', '4', '--lora-alpha', '8'], 2 * 2 * 256 + 66, 'adapter'],
    // key and value (32 each) and, as feed-forward, the input of both output.dense layers (32 and 64), in 2 layers, and the classifier
    [['--method', 'ia3'], 2 * (32 + 32 + 32 + 64) + 66, 'adapter'],
    // every bias: embeddings' LayerNorm (32), per layer q, k, v, o, 2 LayerNorms, output (7 · 32) and intermediate (64), the pooler's (32), and the classifier
    [['--method', 'bitfit'], 32 + 2 * (7 * 32 + 64) + 32 + 66, 'adapter'],
    // a bottleneck of 32 / 16 = 2 after both output projections of 2 layers: 4 · (32·2 + 2 + 2·32 + 32)
    [['--method', 'adapter'], 4 * (32 * 2 + 2 + 2 * 32 + 32) + 66, 'adapter'],
    // 4 virtual keys and values of width 32 in 2 layers
    [['--method', 'prefix', '--num-virtual-tokens', '4'], 4 * 2 * 2 * 32 + 66, 'adapter'],
    // 20 virtual tokens (the CLI's default) of width 32, started from a text's embeddings
    [['--method', 'prompt', '--prompt-init-text', 'a great movie'], 20 * 32 + 66, 'adapter'],
  ];

  it.each(cases)(
    '%j trains its parameters, reports them and saves best/',
    async (flags, trainable, saves) => {
      const out = join(work, `run-${flags[1].replace(':', '-')}`);
      const { result, stderr } = await graftOk(
        ['train', bert, 'sst2', ...small, '--max-steps', '4', '--learning-rate', '1e-2', ...flags, '--output-dir', out],
        work,
      );
      expect(result.method).toBe(flags[1]);
      expect(result.saved).toBe(saves);
      expect(result.allParameters).toBe(53_154);
      expect(result.trainableParameters).toBe(trainable);
      expect(result.trainablePercent).toBeCloseTo((100 * (result.trainableParameters as number)) / 53_154, 10);
      expect(stderr).toMatch(new RegExp(`method ${flags[1]}: trainable params: [\\d,]+ \\|\\| all params: 53,154 \\|\\| trainable%: \\d+\\.\\d{4}`));
      const report = readReportData(readFileSync(join(out, 'report.html'), 'utf8'));
      expect(report.method).toMatchObject({ name: flags[1], trainable: result.trainableParameters, all: 53_154 });
      expect(report.model.trainableParameters).toBe(result.trainableParameters);
      const best = join(out, 'best');
      if (saves === 'model') {
        expect(readdirSync(best).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
        // what the method froze is the base model's, bit for bit
        const base = tensorsOf(join(bert, 'model.safetensors'));
        const trained = tensorsOf(join(best, 'model.safetensors'));
        const frozen = [...base.keys()].filter((k) => String(trained.get(k)) === String(base.get(k)));
        const frozenSize = frozen.reduce((n, k) => n + base.get(k)!.length, 0);
        expect(frozenSize).toBe(53_154 - (result.trainableParameters as number));
      } else {
        expect(readdirSync(best).sort()).toEqual([
          'adapter_config.json',
          'adapter_model.safetensors',
          'id2label.json',
          'tokenizer.json',
          'tokenizer_config.json',
        ]);
        const config = JSON.parse(readFileSync(join(best, 'adapter_config.json'), 'utf8'));
        // the base model's path, relative to the adapter, as PEFT writes a moved adapter's
        expect(config.base_model_name_or_path).toBe(relative(best, bert).split('\\').join('/'));
        expect(config.task_type).toBe('SEQ_CLS');
        expect(JSON.parse(readFileSync(join(best, 'id2label.json'), 'utf8'))).toEqual({ 0: 'negative', 1: 'positive' });
        // the adapter folder evaluates like the run that trained it, its base found through the config
        const { result: evaluation } = await graftOk(['eval', best, 'sst2', '--eval-samples', '24', '--max-length', '24', '--seed', '3'], work);
        expect((evaluation.metrics as Record<string, number>).accuracy).toBeCloseTo((result.metrics as Record<string, number>).accuracy, 6);
        expect((evaluation.metrics as Record<string, number>).loss).toBeCloseTo((result.metrics as Record<string, number>).loss, 5);
        expect(evaluation.baseModel).toBe(bert);
        if (['adapter', 'prefix', 'prompt'].includes(flags[1])) {
          // these change the inputs or add layers: nothing to fold into the weights
          const merge = await graftJson(['merge', bert, best, '--output', join(out, 'merged')], work);
          expect(merge.code).toBe(EXIT.usage);
          expect(merge.stderr).toMatch(/does not merge into the base weights .*; use the adapter folder itself with graft predict and graft eval/);
        }
        if (flags[1] === 'prompt') {
          // the text's token ids start the prompt; PEFT's fields are written, relative, and Graft's ids are not
          expect(config).toMatchObject({ prompt_tuning_init: 'TEXT', prompt_tuning_init_text: 'a great movie', num_virtual_tokens: 20 });
          expect(config.tokenizer_name_or_path).toBe(config.base_model_name_or_path);
          expect(config).not.toHaveProperty('prompt_tuning_init_token_ids');
        }
      }
    },
    60_000,
  );

  it('LoRA on DistilBERT and RoBERTa, with the PEFT defaults of each', async () => {
    for (const [name, targets] of [
      ['distilbert-seqcls', ['q_lin', 'v_lin']],
      ['roberta-seqcls', ['query', 'value']],
    ] as const) {
      const model = fixtureModelWithTokenizer(name);
      const out = join(work, `lora-${name}`);
      const { result } = await graftOk(['train', model, 'sst2', ...small, '--max-steps', '2', '--method', 'lora', '--output-dir', out], work);
      expect((result.methodSettings as { target_modules: string[] }).target_modules.sort()).toEqual([...targets].sort());
      const { result: predicted } = await graftOk(['predict', join(out, 'best'), 'a charming journey'], work);
      expect((predicted.predictions as { label: string }[])[0].label).toMatch(/^(negative|positive)$/);
    }
  }, 60_000);

  it('shows the trainable share on every progress line, and each stage as gradual unfreezing opens it', async () => {
    const stdout = sink();
    const stderr = sink();
    const out = join(work, 'gradual-lines');
    const code = await runCli(['train', bert, 'sst2', ...small, '--max-steps', '6', '--method', 'gradual', '--unfreeze-every', '2', '--output-dir', out], {
      stdout,
      stderr,
      cwd: work,
    });
    expect(code).toBe(EXIT.ok);
    const lines = stderr.text.split('\n');
    expect(lines.filter((l) => l.startsWith('step ')).map((l) => /trainable (\S+)/.exec(l)?.[1])).toEqual([
      '0.12%',
      '18.2%',
      '18.2%',
      '34.3%',
      '34.3%',
      '100.0%',
    ]);
    expect(lines.filter((l) => l.startsWith('unfroze '))).toEqual([
      'unfroze bert.encoder.layer.1, bert.pooler after step 2: trainable params 9,666 of 53,154 (18.18%)',
      'unfroze bert.encoder.layer.0 after step 4: trainable params 18,210 of 53,154 (34.26%)',
      'unfroze bert.embeddings after step 6: trainable params 53,154 of 53,154 (100.00%)',
    ]);
  }, 60_000);
});

describe('graft inspect --method', () => {
  it('reports what a method would train, in PEFT’s counts, and its table shows it', async () => {
    const head = (await graftOk(['inspect', bert, '--method', 'head'], work)).result;
    expect(head).toMatchObject({ method: 'head', trainableParameters: 66, parameters: 53_154 });
    const layers = head.layers as { path: string; trainable: number; parameters: number }[];
    expect(layers.find((r) => r.path === 'classifier')).toMatchObject({ trainable: 66, parameters: 66 });
    expect(layers.find((r) => r.path === 'bert')?.trainable).toBe(0);
    const { result: lora, stderr } = await graftJson(['inspect', bert, '--method', 'lora', '--lora-r', '4'], work);
    expect(lora).toMatchObject({ method: 'lora', trainableParameters: 2 * 2 * 256 + 66, parameters: 53_154 });
    expect(stderr).toContain('method lora: trainable params: 1,090 || all params: 53,154 || trainable%: 2.0506');
    const wrong = await graftJson(['inspect', bert, '--method', 'lora', '--task', 'masked-lm'], work);
    expect(wrong.code).toBe(EXIT.usage);
    expect(wrong.stderr).toMatch(/--method sets a method up for sequence classification; it does not go with --task masked-lm/);
  });
});

describe('graft merge', () => {
  it('writes an HF checkpoint whose logits equal the adapter model’s within 1e-5', async () => {
    const out = join(work, 'merge-run');
    await graftOk(
      ['train', bert, 'sst2', ...small, '--max-steps', '6', '--learning-rate', '2e-2', '--method', 'lora', '--lora-r', '4', '--output-dir', out],
      work,
    );
    const merged = join(work, 'merged');
    const { result } = await graftOk(['merge', bert, join(out, 'best'), '--output', merged], work);
    expect(result.peftType).toBe('LORA');
    expect(readdirSync(merged).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    expect(JSON.parse(readFileSync(join(merged, 'config.json'), 'utf8')).id2label).toEqual({ 0: 'negative', 1: 'positive' });

    const inputs = paddedBatch([
      [2, 40, 512, 77, 901, 3],
      [2, 15, 16, 3, 0, 0],
    ]);
    const base = await fromPretrained(bert, { task: 'sequence-classification', id2label: ['negative', 'positive'] });
    const adapter = await PeftModel.fromPretrained(base, join(out, 'best'));
    const plain = await fromPretrained(merged);
    const [a, b, c] = noGrad(() => [
      adapter.eval().call(inputs).logits!,
      plain.eval().call(inputs).logits!,
      adapter.withAdaptersDisabled(() => adapter.call(inputs).logits!),
    ]);
    const [x, y, z] = [a.dataSync(), b.dataSync(), c.dataSync()];
    let diff = 0;
    let fromBase = 0;
    for (let i = 0; i < x.length; i++) {
      diff = Math.max(diff, Math.abs(x[i] - y[i]));
      fromBase = Math.max(fromBase, Math.abs(x[i] - z[i]));
    }
    expect(diff).toBeLessThan(1e-5);
    // the adapter did change the model, so the comparison means something
    expect(fromBase).toBeGreaterThan(1e-3);
    // and graft predict agrees on both folders
    const text = 'a gorgeous, witty, seductive movie.';
    const p1 = (await graftOk(['predict', join(out, 'best'), text], work)).result.predictions as { scores: Record<string, number> }[];
    const p2 = (await graftOk(['predict', merged, text], work)).result.predictions as { scores: Record<string, number> }[];
    expect(p1[0].scores.positive).toBeCloseTo(p2[0].scores.positive, 5);
  }, 60_000);
});

describe('resuming an adapter run', () => {
  it('continues a LoRA run exactly: checkpoint-4 of a resumed run is byte for byte the uninterrupted one', async () => {
    const argv = (out: string) => [
      'train',
      bert,
      'sst2',
      ...small,
      '--max-steps',
      '4',
      '--learning-rate',
      '1e-2',
      '--method',
      'lora',
      '--lora-dropout',
      '0.1',
      '--save-strategy',
      'steps',
      '--save-steps',
      '2',
      '--eval-strategy',
      'no',
      '--output-dir',
      out,
    ];
    const { whole, resumed: part } = await resumedAndWhole(work, 'resume', argv, { step: 2 });
    const weights = (dir: string) => readFileSync(join(dir, 'checkpoint-4', 'model.safetensors'));
    expect(weights(part).equals(weights(whole))).toBe(true);
    const adapter = (dir: string) => readFileSync(join(dir, 'best', 'adapter_model.safetensors'));
    expect(adapter(part).equals(adapter(whole))).toBe(true);
  }, 60_000);
});

describe('adapters in predict and eval', () => {
  it('find the base through --base-model when the adapter moved without it, and say what to pass otherwise', async () => {
    const out = join(work, 'moved');
    await graftOk(['train', bert, 'sst2', ...small, '--max-steps', '1', '--method', 'lora', '--output-dir', out], work);
    const best = join(out, 'best');
    const config = JSON.parse(readFileSync(join(best, 'adapter_config.json'), 'utf8'));
    writeFileSync(join(best, 'adapter_config.json'), JSON.stringify({ ...config, base_model_name_or_path: 'somewhere/else' }));
    const lost = await graftJson(['predict', best, 'fine'], work);
    expect(lost.code).toBe(EXIT.usage);
    expect(lost.stderr).toMatch(/its base model "somewhere\/else" .* is not a model folder here; pass --base-model <folder>/);
    const found = await graftOk(['predict', best, 'fine', '--base-model', bert], work);
    expect(found.result.baseModel).toBe(bert);
    const notAdapter = await graftJson(['predict', bert, 'fine', '--base-model', bert], work);
    expect(notAdapter.code).toBe(EXIT.usage);
    expect(notAdapter.stderr).toMatch(/--base-model applies to adapter folders/);
  }, 60_000);
});

describe('wrong methods and flags', () => {
  /** [argv after `train <model> sst2`, stderr pattern]; all exit 2 before any data is read */
  const cases: [string[], RegExp][] = [
    [['--method', 'lorra'], /--method "lorra" is not a training method; allowed: full, head, freeze:N, gradual, lora, ia3, bitfit, adapter, prefix, prompt/],
    [['--method', 'prefix', '--lora-r', '4'], /--lora-r applies to --method lora, not --method prefix/],
    [['--method', 'prompt', '--prompt-init', 'TEXT'], /--prompt-init TEXT starts the prompt from the embeddings of a text: pass --prompt-init-text/],
    [['--method', 'prompt', '--prompt-init', 'RANDOM', '--prompt-init-text', 'hi'], /--prompt-init-text goes with --prompt-init TEXT, not RANDOM/],
    [['--method', 'prompt', '--num-virtual-tokens', '0'], /--num-virtual-tokens: /],
    [['--method', 'adapter', '--leave-out', 'top'], /--leave-out takes layer indices/],
    [['--method', 'adapter', '--reduction-factor', '0'], /--reduction-factor: /],
    [['--method', 'adapter', '--non-linearity', 'mish'], /--non-linearity "mish" is invalid/],
    [['--method', 'head', '--lora-r', '4'], /--lora-r applies to --method lora, not --method head/],
    [['--method', 'lora', '--unfreeze-every', '2'], /--unfreeze-every applies to --method gradual, not --method lora/],
    [['--target-modules', 'query'], /--target-modules applies to --method lora, ia3, bitfit, adapter, not --method full/],
    [['--method', 'freeze:x'], /--method freeze:x: freeze:N needs N/],
    [['--method', 'freeze:3'], /--method freeze:3: freeze:3 freezes more layers than BertForSequenceClassification has \(2\)/],
    [['--method', 'gradual', '--unfreeze-every', 'often'], /--unfreeze-every must be a whole number of steps \(1 or more\) or epoch, got "often"/],
    [['--method', 'full', '--layer-lr-decay', '1.5'], /--layer-lr-decay must be a number in \(0, 1\]/],
    [['--method', 'lora', '--lora-r', '0'], /--lora-r: .*'r' must be a positive integer/],
    [['--method', 'lora', '--lora-dropout', '2'], /--lora-dropout: /],
    [['--method', 'lora', '--layers-to-transform', 'top'], /--layers-to-transform takes layer indices/],
    [['--method', 'lora', '--init-lora-weights', 'pissa'], /--init-lora-weights "pissa" is invalid: Allowed choices are true, false, gaussian/],
  ];
  it.each(cases)('%j', async (flags, pattern) => {
    const { code, stderr, result } = await graftJson(['train', bert, 'sst2', '--max-steps', '1', ...flags, '--output-dir', join(work, 'never')], work);
    expect(code).toBe(EXIT.usage);
    expect(stderr.trim().split('\n').at(-1)).toMatch(pattern);
    expect(result).toMatchObject({ ok: false, exitCode: 2 });
    expect(existsSync(join(work, 'never', 'best'))).toBe(false);
  });

  it('merge says what is missing', async () => {
    const adapter = join(work, 'some-adapter');
    mkdirSync(adapter, { recursive: true });
    writeFileSync(join(adapter, 'adapter_config.json'), '{}');
    const cases: [string[], RegExp][] = [
      [['merge', bert, bert, '--output', join(work, 'm')], /no adapter_config\.json in .*pass a PEFT adapter folder/],
      [['merge', bert, join(work, 'nothing'), '--output', join(work, 'm')], /adapter .*nothing: no such folder/],
      [['merge', bert, adapter], /needs --output DIR/],
      [['merge', bert, adapter, '--output', bert], /holds files already; .*--overwrite/],
    ];
    for (const [argv, pattern] of cases) {
      const { code, stderr } = await graftJson(argv, work);
      expect(code, argv.join(' ')).toBe(EXIT.usage);
      expect(stderr).toMatch(pattern);
    }
  });
});
