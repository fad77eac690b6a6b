/**
 * `graft merge <base-model> <adapter> --output DIR`: folds a LoRA, IA³ or BitFit adapter into its base
 * model and writes an ordinary HF checkpoint (config.json with the adapter's labels,
 * model.safetensors, the tokenizer files) that transformers and `graft predict` load without
 * PEFT. The merged model computes what the base model with the adapter computes (tested within
 * 1e-5 on the logits).
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CliContext, type CommandInput, type CommandResult, defineCommand, type OptionSpec } from '../command';
import { isAdapterDir, loadAdapterModel, readAdapterDir } from '../adapter-dir';
import { usageError } from '../errors';
import { PeftMethodError, peftMethod } from '@graft/peft';
import { tokenizerFiles, writeFiles } from '../run-directory';

const options: OptionSpec[] = [
  { name: 'output', short: 'o', type: 'path', valueName: 'dir', description: 'the folder to write the merged checkpoint to (created; must be empty or new)' },
  { name: 'overwrite', type: 'boolean', description: 'write into --output even if it holds files' },
];

async function run(input: CommandInput, ctx: CliContext): Promise<CommandResult> {
  const baseArg = input.args.base as string | undefined;
  const adapterArg = input.args.adapter as string | undefined;
  if (!baseArg || !adapterArg)
    throw usageError('graft merge needs a base model and an adapter: graft merge <base-model> <adapter> --output DIR', 'missing_argument');
  const output = input.options.output as string | undefined;
  if (!output) throw usageError('graft merge needs --output DIR: where the merged checkpoint goes', 'missing_argument');
  const adapterDir = resolve(ctx.cwd, adapterArg);
  if (!existsSync(adapterDir)) throw usageError(`adapter ${adapterArg}: no such folder (${adapterDir})`, 'adapter_not_found');
  if (!isAdapterDir(adapterDir))
    throw usageError(`adapter ${adapterArg}: no adapter_config.json in ${adapterDir}; pass a PEFT adapter folder (e.g. runs/<run>/best)`, 'adapter_not_found');
  const outDir = resolve(ctx.cwd, output);
  if (existsSync(outDir) && readdirSync(outDir).length > 0 && input.options.overwrite !== true)
    throw usageError(`--output ${output} holds files already; pass an empty or new folder, or --overwrite`, 'output_exists');

  const adapter = await readAdapterDir(adapterArg, ctx.cwd, baseArg);
  const type = String(adapter.adapterConfig.peft_type ?? '');
  if (!canMerge(type))
    throw usageError(
      `adapter ${adapterArg}: ${type} does not merge into the base weights (it changes the model's inputs or adds layers); use the adapter folder itself with graft predict and graft eval`,
      'merge_unsupported',
    );
  const { model } = await loadAdapterModel(adapter, ctx);
  const peftType = model.peftType;
  ctx.info(`merging ${peftType} adapter ${adapter.dir} into ${adapter.baseDir}`);
  const merged = await model.mergeAndUnloadAsync({ safeMerge: true });
  // the tokenizer the adapter was trained with when it carries one, else the base model's
  const files = new Map([...(await merged.toPretrainedFilesAsync()), ...tokenizerFiles(adapter.tokenizerDir)]);
  await writeFiles(outDir, files);
  ctx.print(`merged checkpoint: ${outDir}`);
  return { output: outDir, base: adapter.baseDir, adapter: adapter.dir, peftType, labels: adapter.labels, files: [...files.keys()] };
}

/** Whether `peftType`'s method merges (an unknown type is left to the loader, which names the registered ones). */
function canMerge(peftType: string): boolean {
  try {
    return peftMethod(peftType).canMerge;
  } catch (e) {
    if (e instanceof PeftMethodError) return true;
    throw e;
  }
}

/** `graft merge`. */
export const mergeCommand = defineCommand({
  name: 'merge',
  summary: 'merge a LoRA, IA3 or BitFit adapter into its base model (an HF checkpoint)',
  description:
    'Folds a PEFT adapter (LoRA, IA3, BitFit) into its base model and writes a plain Hugging Face checkpoint (config.json with the labels, model.safetensors, tokenizer files) that loads without PEFT.',
  arguments: [
    { name: 'base', description: 'the base model folder the adapter was trained on', required: false },
    { name: 'adapter', description: 'the adapter folder (adapter_config.json, adapter_model.safetensors)', required: false },
  ],
  options,
  examples: ['graft merge assets/models/bert-tiny-imdb-mlm runs/lora/best --output runs/lora/merged'],
  run,
});
