/**
 * The cases of the PEFT invariant suite (invariants.ts). Every registered method needs at least
 * one: adding a method means adding its cases here (a base model factory, a batch, a config), and
 * packages/peft/src/invariants.test.ts fails until it has them. The BERT-family models are the
 * fixture checkpoints (32 wide, 2 layers), so the cases exercise the real module names and task
 * defaults; TinyNet covers models built from nn layers alone.
 */
import { fromPretrained } from '@graft/models';
import { fixtureFiles, fixtureIO, type ModelFixture } from '../models/parity';
import type { PeftInvariantCase } from './invariants';
import { TinyNet, tinyBatch } from './tiny';

/** A fixture model on `device`. */
const fixtureModel = (f: ModelFixture) => (device: string) => fromPretrained(fixtureFiles(f), { device });

/** The fixture's recorded inputs and labels, on `device`. */
function fixtureBatch(f: ModelFixture) {
  return (device: string) => {
    const io = fixtureIO(f);
    const on = (k: string) => io.get(k)?.to(device) ?? null;
    return { inputIds: on('input_ids'), attentionMask: on('attention_mask'), tokenTypeIds: on('token_type_ids'), labels: on('labels') };
  };
}

const bert = { model: fixtureModel('bert-seqcls'), batch: fixtureBatch('bert-seqcls') };
const tiny = { model: (device: string) => new TinyNet(7, device), batch: (device: string) => tinyBatch(device) };

/** Every case, by method. */
export const PEFT_INVARIANT_CASES: PeftInvariantCase[] = [
  { name: 'BERT, SEQ_CLS defaults (query, value, classifier trained)', ...bert, config: { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 4, lora_alpha: 8 } },
  {
    name: 'RoBERTa, all-linear with DoRA and rsLoRA',
    model: fixtureModel('roberta-seqcls'),
    batch: fixtureBatch('roberta-seqcls'),
    config: { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 2, target_modules: 'all-linear', use_dora: true, use_rslora: true },
  },
  {
    name: 'DistilBERT, SEQ_CLS defaults with rank and alpha patterns and lora_bias',
    model: fixtureModel('distilbert-seqcls'),
    batch: fixtureBatch('distilbert-seqcls'),
    config: { peft_type: 'LORA', task_type: 'SEQ_CLS', r: 2, rank_pattern: { 'layer\\.1\\..*q_lin': 4 }, alpha_pattern: { v_lin: 16 }, lora_bias: true },
  },
  {
    name: 'TinyNet, Embedding and Linear with dropout',
    ...tiny,
    config: { peft_type: 'LORA', target_modules: ['embed', 'proj', 'out'], r: 2, lora_dropout: 0.1, modules_to_save: ['classifier'] },
  },
  { name: 'BERT, SEQ_CLS defaults (key, value, output.dense)', ...bert, config: { peft_type: 'IA3', task_type: 'SEQ_CLS' } },
  { name: 'TinyNet, output and input scaling', ...tiny, config: { peft_type: 'IA3', target_modules: ['proj', 'out'], feedforward_modules: ['out'] } },
  { name: 'BERT, every bias, classifier trained', ...bert, config: { peft_type: 'BITFIT', task_type: 'SEQ_CLS' } },
  { name: 'TinyNet, selected biases', ...tiny, config: { peft_type: 'BITFIT', target_modules: ['proj', 'norm', 'classifier'] } },
  {
    name: 'BERT, SEQ_CLS defaults (both output.dense of every layer, classifier trained)',
    ...bert,
    config: { peft_type: 'BOTTLENECK_ADAPTER', task_type: 'SEQ_CLS' },
  },
  {
    name: 'DistilBERT, feed-forward only, layer 0 left out, Houlsby init, relu',
    model: fixtureModel('distilbert-seqcls'),
    batch: fixtureBatch('distilbert-seqcls'),
    config: {
      peft_type: 'BOTTLENECK_ADAPTER',
      task_type: 'SEQ_CLS',
      mh_adapter: false,
      leave_out: [0],
      reduction_factor: 8,
      init_weights: 'houlsby',
      non_linearity: 'relu',
    },
  },
  {
    name: 'TinyNet, two widths, identity init, scaling and dropout',
    ...tiny,
    config: {
      peft_type: 'BOTTLENECK_ADAPTER',
      target_modules: ['proj', 'out'],
      reduction_factor: 2,
      init_weights: 'mam_adapter',
      non_linearity: 'tanh',
      scaling: 0.5,
      dropout: 0.1,
    },
  },
  { name: 'BERT, SEQ_CLS, a random prompt of 4 tokens', ...bert, config: { peft_type: 'PROMPT_TUNING', task_type: 'SEQ_CLS', num_virtual_tokens: 4 } },
  {
    name: 'RoBERTa, SEQ_CLS, a prompt started from token embeddings',
    model: fixtureModel('roberta-seqcls'),
    batch: fixtureBatch('roberta-seqcls'),
    config: {
      peft_type: 'PROMPT_TUNING',
      task_type: 'SEQ_CLS',
      num_virtual_tokens: 5,
      prompt_tuning_init: 'TEXT',
      prompt_tuning_init_text: 'ab',
      tokenizer_name_or_path: 'roberta-base',
      prompt_tuning_init_token_ids: [0, 7, 9, 2],
    },
  },
  { name: 'BERT, SEQ_CLS, a prefix of 3 tokens', ...bert, config: { peft_type: 'PREFIX_TUNING', task_type: 'SEQ_CLS', num_virtual_tokens: 3 } },
  {
    name: 'DistilBERT, SEQ_CLS, a projected prefix (loaded back as its projection)',
    model: fixtureModel('distilbert-seqcls'),
    batch: fixtureBatch('distilbert-seqcls'),
    config: { peft_type: 'PREFIX_TUNING', task_type: 'SEQ_CLS', num_virtual_tokens: 2, prefix_projection: true, encoder_hidden_size: 16 },
  },
];
