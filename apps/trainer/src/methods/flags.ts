/**
 * The flags of the training methods, defined once: `--method` and each method's options, named
 * after the fields they set (PEFT's `r` is `--lora-r`, `lora_alpha` is `--lora-alpha`,
 * `target_modules` is `--target-modules`, …). They are listed under "Method" in
 * `graft train --help` and may be set in a config file like any flag.
 */
import type { OptionSpec } from '../command';

const GROUP = 'Method';

/** Every method flag of `graft train`, `--method` first. */
export function methodOptions(available: readonly string[], planned: readonly string[]): OptionSpec[] {
  return [
    {
      name: 'method',
      valueName: 'name',
      description: `what trains: ${available.join(', ')} (default full)${planned.length ? `; planned: ${planned.join(', ')}` : ''}`,
      group: GROUP,
    },
    {
      name: 'layer-lr-decay',
      type: 'number',
      valueName: 'factor',
      description: 'discriminative rates: layer i of L learns at lr·factor^(L−i), the embeddings at lr·factor^(L+1) (full, head, freeze:N, gradual)',
      group: GROUP,
    },
    {
      name: 'unfreeze-every',
      valueName: 'steps|epoch',
      description: 'gradual: open one more layer every this many steps, or at each epoch (default epoch)',
      group: GROUP,
    },
    { name: 'lora-r', type: 'integer', valueName: 'r', description: 'LoRA: the rank (default 8)', group: GROUP },
    { name: 'lora-alpha', type: 'number', valueName: 'alpha', description: 'LoRA: updates are scaled by alpha/r (default 8)', group: GROUP },
    { name: 'lora-dropout', type: 'number', valueName: 'p', description: "LoRA: dropout on the adapter's input (default 0)", group: GROUP },
    {
      name: 'target-modules',
      valueName: 'names',
      repeatable: true,
      description:
        "LoRA, IA3, BitFit, adapter: modules to adapt: names or dotted suffixes (comma-separated or repeated), a regular expression of the whole path, or all-linear (default: the model type's, query,value for BERT)",
      group: GROUP,
    },
    {
      name: 'exclude-modules',
      valueName: 'names',
      repeatable: true,
      description: 'LoRA, IA3, BitFit, adapter: modules never to adapt (as --target-modules)',
      group: GROUP,
    },
    {
      name: 'modules-to-save',
      valueName: 'names',
      repeatable: true,
      description: 'every adapter method: modules trained in full and saved in the adapter (the classifier always is, as in PEFT; add pooler to train it)',
      group: GROUP,
    },
    { name: 'use-rslora', type: 'boolean', description: 'LoRA: scale by alpha/√r (rank-stabilised LoRA)', group: GROUP },
    { name: 'use-dora', type: 'boolean', description: 'LoRA: weight-decomposed LoRA (a trainable magnitude per output feature)', group: GROUP },
    {
      name: 'bias',
      choices: ['none', 'all', 'lora_only'],
      description: "LoRA: PEFT's bias, which biases train beside the adapter (default none)",
      group: GROUP,
    },
    {
      name: 'init-lora-weights',
      choices: ['true', 'false', 'gaussian'],
      description: 'LoRA: true (Kaiming-uniform A, zero B; the default), gaussian, or false (both random)',
      group: GROUP,
    },
    { name: 'layers-to-transform', valueName: 'i,j', repeatable: true, description: 'LoRA: adapt only the encoder layers with these indices', group: GROUP },
    {
      name: 'reduction-factor',
      type: 'number',
      valueName: 'k',
      description: "adapter: the bottleneck is the layer's width divided by k (default 16)",
      group: GROUP,
    },
    {
      name: 'non-linearity',
      choices: ['swish', 'relu', 'gelu', 'gelu_new', 'silu', 'tanh'],
      description: "adapter: the bottleneck's activation (default swish)",
      group: GROUP,
    },
    {
      name: 'adapter-init',
      choices: ['bert', 'houlsby', 'mam_adapter'],
      description: 'adapter: N(0, 0.02) both ways (bert, the default), truncated N(0, 0.01) (houlsby), or zero up so it starts as the identity (mam_adapter)',
      group: GROUP,
    },
    { name: 'leave-out', valueName: 'i,j', repeatable: true, description: 'adapter: encoder layers without adapters', group: GROUP },
    {
      name: 'num-virtual-tokens',
      type: 'integer',
      valueName: 'n',
      description: "prefix, prompt: the prompt's length in virtual tokens (default 20)",
      group: GROUP,
    },
    { name: 'prefix-projection', type: 'boolean', description: 'prefix: make the prefix with an MLP (PEFT’s prefix_projection)', group: GROUP },
    {
      name: 'prompt-init',
      choices: ['RANDOM', 'TEXT', 'SAMPLE_VOCAB'],
      description: 'prompt: start the prompt at random, from the embeddings of --prompt-init-text, or of random vocabulary tokens (default RANDOM)',
      group: GROUP,
    },
    {
      name: 'prompt-init-text',
      valueName: 'text',
      description: 'prompt: the text whose token embeddings start the prompt (with --prompt-init TEXT)',
      group: GROUP,
    },
    {
      name: 'peft-config',
      valueName: 'file|json',
      description:
        'peft: a PEFT config with PEFT\'s field names and the method\'s peft_type (any registered method, a plugin\'s too): a JSON file, or inline JSON (\'{"peft_type": "LORA", "r": 8}\')',
      group: GROUP,
    },
    {
      name: 'feedforward-modules',
      valueName: 'names',
      repeatable: true,
      description: "IA3: targets whose input is scaled rather than their output (default: the model type's)",
      group: GROUP,
    },
  ];
}

/** A repeatable flag's values, commas split: `--target-modules query,value --target-modules key` → query, value, key. */
export function listFlag(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(','));
  return list.map((s) => s.trim()).filter((s) => s.length > 0);
}
