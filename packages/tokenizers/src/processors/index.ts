/**
 * The post-processor registry: tokenizer.json `post_processor.type` tags. Plugins add their own
 * with `registerPostProcessor` (subclass BasePostProcessor to be usable inside a Sequence).
 */
import type { PostProcessor } from '../components';
import { buildComponent, buildList, type ComponentFactory } from '../registry';
import { BasePostProcessor } from './base';
import { BertProcessing } from './bert-processing';
import { ByteLevelProcessing } from './byte-level-processing';
import { RobertaProcessing } from './roberta-processing';
import { PostProcessorSequence } from './sequence';
import { TemplateProcessing } from './template-processing';

/** `type` tag → factory for post-processors. */
export const postProcessors: Record<string, ComponentFactory<PostProcessor>> = {
  BertProcessing: (r) => BertProcessing.fromJSON(r),
  RobertaProcessing: (r) => RobertaProcessing.fromJSON(r),
  TemplateProcessing: (r) => TemplateProcessing.fromJSON(r),
  ByteLevel: (r) => ByteLevelProcessing.fromJSON(r),
  Sequence: (r, build) => new PostProcessorSequence(buildList(r, 'processors', build)),
};

/** Registers (or replaces) the factory for a post-processor `type` tag. */
export function registerPostProcessor(tag: string, factory: ComponentFactory<PostProcessor>): void {
  postProcessors[tag] = factory;
}

/** Builds a post-processor from its tokenizer.json object. */
export function postProcessorFromJSON(json: unknown): PostProcessor {
  return buildComponent(postProcessors, 'post_processor', json);
}

export { BasePostProcessor, BertProcessing, ByteLevelProcessing, PostProcessorSequence, RobertaProcessing, TemplateProcessing };
