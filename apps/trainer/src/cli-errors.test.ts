/**
 * Every class of user error, through the real executable: the exit code (apps/trainer/README.md)
 * and one line on stderr that names the problem and the fix. Nothing here trains: each mistake
 * is caught before the first step.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../../test-utils/assets';
import { fixtureModelWithTokenizer } from '../../../test-utils/model-tokenizers';
import { EXIT } from './exit-codes';
import { runGraft } from './test-support';

const model = assetPath('models', 'bert-tiny-imdb-mlm');
const sst2Dev = assetPath('datasets', 'sst2', 'dev.tsv');
const work = mkdtempSync(join(tmpdir(), 'graft-cli-errors-'));

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

const goodCsv = file('good.csv', 'review,stars\n"great fun",pos\n"dull, dull",neg\n"fine",pos\n"awful",neg\n');
const badCsv = file('bad.csv', 'text,label\n"great fun",1\n"never closed,0\n');
const evalUnknownLabel = file('eval.csv', 'review,stars\n"so-so",meh\n');
const noConfig = join(work, 'no-config');
mkdirSync(noConfig);
const gpt2 = join(work, 'gpt2-like');
mkdirSync(gpt2);
writeFileSync(join(gpt2, 'config.json'), JSON.stringify({ model_type: 'gpt2', vocab_size: 30522, n_embd: 64 }));
for (const f of ['tokenizer.json', 'tokenizer_config.json', 'vocab.txt']) copyFileSync(join(model, f), join(gpt2, f));
// the fixture BERT (1,024 ids) next to bert-base-uncased's tokenizer (30,522): they do not belong together
const mismatched = join(work, 'mismatched');
mkdirSync(mismatched);
for (const f of ['config.json', 'model.safetensors']) copyFileSync(assetPath('fixtures', 'models', 'bert-seqcls', f), join(mismatched, f));
copyFileSync(join(model, 'tokenizer.json'), join(mismatched, 'tokenizer.json'));
const badYaml = file('run.yaml', 'learning_rate: 1e-4\nnum_train_epoch: 2\n');

/** [what, argv, exit code, stderr pattern] */
const cases: [string, string[], number, RegExp][] = [
  ['unknown command', ['trian'], EXIT.usage, /unknown command 'trian' \(did you mean train\?\)/],
  ['unknown flag', ['train', model, 'sst2', '--lerning-rate', '1e-4'], EXIT.usage, /unknown option '--lerning-rate' \(did you mean --learning-rate\?\)/],
  ['bad number', ['train', model, 'sst2', '--learning-rate', 'fast'], EXIT.usage, /--learning-rate "fast" is invalid: expected a number/],
  ['bad choice', ['train', model, 'sst2', '--device', 'tpu'], EXIT.usage, /--device "tpu" is invalid: Allowed choices are cpu, webgpu/],
  ['missing argument', ['train', model], EXIT.usage, /graft train needs data/],
  ['missing model folder', ['train', join(work, 'nope'), 'sst2'], EXIT.usage, /no such folder .*pass a folder with config\.json/],
  ['folder without config.json', ['train', noConfig, 'sst2'], EXIT.usage, /no config\.json in .*pass a Hugging Face model folder/],
  ['missing data file', ['train', model, join(work, 'missing.csv')], EXIT.usage, /missing\.csv: no such file or folder/],
  ['unknown data format', ['train', model, file('data.xlsx', 'x')], EXIT.usage, /unknown file type "\.xlsx"; use \.csv, \.tsv, \.json, \.jsonl, \.parquet/],
  [
    'bad text column',
    ['train', model, goodCsv, '--text-column', 'txt', '--label-column', 'stars'],
    EXIT.usage,
    /has no column "txt"; its columns are "review", "stars"; pass --text-column <name>/,
  ],
  ['bad label column', ['train', model, sst2Dev, '--label-column', 'Label'], EXIT.usage, /has no column "Label" \(did you mean "label"\?\)/],
  [
    'no label column to guess',
    ['train', model, file('nolabel.csv', 'text,score\na,1\n')],
    EXIT.usage,
    /cannot tell which column holds the label .*pass --label-column/,
  ],
  ['max length beyond positions', ['train', model, 'sst2', '--max-length', '1024'], EXIT.usage, /--max-length 1024 is more than the 512 positions/],
  [
    'bad training argument',
    ['train', model, goodCsv, '--text-column', 'review', '--label-column', 'stars', '--warmup-ratio', '2', '--output-dir', join(work, 'run1')],
    EXIT.usage,
    /warmupRatio must be a number in \[0, 1\]/,
  ],
  ['bad config key', ['train', '--config', badYaml], EXIT.usage, /unknown setting "num_train_epoch" \(did you mean "num-train-epochs"\?\)/],
  ['missing config file', ['train', '--config', join(work, 'none.yaml')], EXIT.usage, /--config .*none\.yaml: no such file/],
  ['malformed data', ['train', model, badCsv], EXIT.data, /bad\.csv:3:1.*quote/i],
  [
    'too little data to hold out an evaluation set',
    ['train', model, goodCsv, '--text-column', 'review', '--label-column', 'stars'],
    EXIT.data,
    /cannot hold out 10% for evaluation .*pass --eval-data/,
  ],
  [
    'unknown label in eval data',
    ['train', model, goodCsv, '--eval-data', evalUnknownLabel, '--text-column', 'review', '--label-column', 'stars'],
    EXIT.data,
    /label "meh", which the model does not know \(labels: neg, pos\)/,
  ],
  ['unsupported model type', ['inspect', gpt2], EXIT.model, /gpt2/],
  ['tokenizer vocabulary larger than the model', ['eval', mismatched, 'sst2'], EXIT.model, /has 30522 tokens but the model's vocab_size is 1024/],
  ['predict without texts', ['predict', model], EXIT.usage, /graft predict needs texts/],
];

describe('graft errors (exit code and one line)', () => {
  for (const [what, argv, code, pattern] of cases) {
    it(what, async () => {
      const r = await runGraft(argv, { cwd: work });
      expect(r.code, r.stderr).toBe(code);
      const lines = r.stderr.split('\n').filter((l) => l.length > 0 && !l.startsWith('newly initialised') && !l.startsWith('not used'));
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^graft( [a-z]+)?: /);
      expect(lines[0]).toMatch(pattern);
      expect(r.stdout).toBe('');
    });
  }

  it('--json reports the error as one JSON object on stdout', async () => {
    const r = await runGraft(['train', model, 'sst2', '--text-column', 'nope', '--json'], { cwd: work });
    expect(r.code).toBe(EXIT.usage);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: false, command: 'train', exitCode: EXIT.usage, error: { code: 'column_not_found' } });
    expect(out.error.message).toMatch(/no column "nope"/);
  });
});

describe('Ctrl-C', () => {
  it('stops after the current step, saves a checkpoint and exits 130', async () => {
    const model = fixtureModelWithTokenizer('bert-seqcls');
    const out = join(work, 'interrupted');
    let sent = false;
    const r = await runGraft(
      ['train', model, 'sst2', '--train-samples', '2000', '--eval-samples', '16', '--max-length', '16', '--max-steps', '5000', '--output-dir', out],
      {
        cwd: work,
        onStderr: (chunk, child) => {
          if (!sent && /^step \d+\/5000/m.test(chunk)) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      },
    );
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(EXIT.interrupted);
    expect(r.stderr).toMatch(/stopping after the current step/);
    expect(r.stderr).toMatch(/graft train: interrupted \(Ctrl-C\)/);
    // the interrupted step's checkpoint (and the epoch-end one, if an epoch ended first)
    const steps = readdirSync(out)
      .filter((f) => f.startsWith('checkpoint-'))
      .map((f) => Number(f.slice('checkpoint-'.length)));
    expect(steps.length).toBeGreaterThan(0);
    expect(Math.max(...steps)).toBeLessThan(5000);
  }, 120_000);
});
