/** The label names of a fine-tuned checkpoint, from its config.json (`id2label`, else `num_labels`). */
import { modelError } from '../errors';
import type { ModelConfigJson } from '../model-loading';

/** Label names by id; a config without labels is a model error (it is not a classifier). */
export function checkpointLabels(config: ModelConfigJson): string[] {
  if (config.id2label && typeof config.id2label === 'object') {
    const entries = Object.entries(config.id2label).map(([k, v]) => [Number(k), String(v)] as const);
    const k = entries.length;
    if (k > 0 && entries.every(([i]) => Number.isInteger(i) && i >= 0 && i < k)) {
      const names = new Array<string>(k);
      for (const [i, v] of entries) names[i] = v;
      return names;
    }
    throw modelError('config.json: id2label must map the ids 0…K−1 to names', 'model_config');
  }
  if (typeof config.num_labels === 'number' && config.num_labels > 0) return Array.from({ length: config.num_labels }, (_, i) => `LABEL_${i}`);
  // transformers' default is two labels, LABEL_0 and LABEL_1
  return ['LABEL_0', 'LABEL_1'];
}
