/**
 * Head-only fine-tuning: the pretrained encoder is frozen and only the classification head
 * trains, with whatever the checkpoint did not have (a BERT pooler that an MLM checkpoint lacks
 * is drawn fresh, and a random layer that never trains would only add noise). The Trainer's
 * optimizer takes only parameters with gradients on, so frozen weights keep no Adam state.
 *
 * This is a stop-gap written with nn's `requiresGrad_`: @graft/peft's freezing strategies (head,
 * freeze:N, gradual unfreezing) are not on main yet, and once they are, `applyFreezing` replaces it.
 */
import type { AnyModule } from '@graft/nn';

/** Heads of the sequence classifiers the playground trains, by their HF names (BERT, DistilBERT, RoBERTa). */
const HEAD = /^(classifier|pre_classifier)\./;

/** Freezes everything in `model` but its head and the weights in `newlyInitialized`; returns the names left training. */
export function freezeAllButHead(model: AnyModule, newlyInitialized: readonly string[]): string[] {
  const fresh = new Set(newlyInitialized);
  const training: string[] = [];
  for (const [name, p] of model.namedParameters()) {
    const on = HEAD.test(name) || fresh.has(name);
    p.requiresGrad_(on);
    if (on) training.push(name);
  }
  return training;
}
