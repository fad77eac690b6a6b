/**
 * What a run is downloaded as. An adapter: PEFT's two files (`adapter_config.json`,
 * `adapter_model.safetensors`), which `PeftModel.from_pretrained(base, dir)` loads in Python and
 * `PeftModel.fromPretrained` in Graft. A merged checkpoint: the base model with the adapter folded
 * in, or a fully fine-tuned model, in Hugging Face's layout with the tokenizer files, which
 * `AutoModelForSequenceClassification.from_pretrained(dir)` loads. Merging happens on a fresh
 * copy of the base model, so the adapters on the page stay as they are.
 */
import type { AnyPreTrainedModel } from '@graft/models';
import { PeftModel } from '@graft/peft';
import type { ExportedFiles } from '../protocol';
import { PlaygroundError } from './errors';
import type { Session } from './session';

/** The adapter files of run `name`, at the top level (PEFT puts adapters other than 'default' in a folder of their name). */
export async function adapterFilesOf(session: Session, name: string): Promise<Map<string, Uint8Array>> {
  const peft = session.peft!;
  const files = await peft.toAdapterFilesAsync({ selectedAdapters: [name], baseModelNameOrPath: session.requireModel().info.description });
  const prefix = `${name}/`;
  return new Map([...files].map(([file, bytes]) => [file.startsWith(prefix) ? file.slice(prefix.length) : file, bytes]));
}

/** Run `name`'s adapter, for download. */
export async function exportAdapter(session: Session, name: string): Promise<ExportedFiles> {
  session.requireIdle('Downloading');
  const run = session.run(name);
  if (!run.info.adapter) {
    throw new PlaygroundError('run_unknown', `run '${name}' is a ${run.spec.method} fine-tune, not an adapter: download its checkpoint instead`);
  }
  const files = await adapterFilesOf(session, name);
  return { fileName: `${name}-adapter.zip`, files: [...files].map(([file, bytes]) => ({ name: file, bytes })) };
}

/** Run `name` as a Hugging Face checkpoint: the adapter merged into a fresh base, or the fully trained model. */
export async function exportMerged(session: Session, name: string): Promise<ExportedFiles> {
  session.requireIdle('Downloading');
  const run = session.run(name);
  const loaded = session.requireModel();
  let files: Map<string, Uint8Array>;
  if (run.info.adapter) {
    const fresh = await session.freshClassifier();
    const peft = await PeftModel.fromPretrained(fresh, await adapterFilesOf(session, name));
    const merged = await peft.mergeAndUnloadAsync();
    files = await merged.toPretrainedFilesAsync();
    for (const p of merged.parameters()) p.dispose();
  } else {
    files = await (run.model as unknown as AnyPreTrainedModel).toPretrainedFilesAsync();
  }
  for (const [file, bytes] of loaded.tokenizerFiles) files.set(file, bytes);
  return { fileName: `${name}-merged.zip`, files: [...files].map(([file, bytes]) => ({ name: file, bytes })) };
}
