/**
 * The BitFit method (`peft_type` 'BITFIT', Graft's own): without `target_modules` it adapts every
 * module holding a bias of its own, the innermost holder when a bias is shared (an MLM head's
 * `bias` is its decoder's, and the decoder is the module that adds it).
 */
import { type AnyModule, Module } from '@graft/nn';
import { PeftTargetError } from '../errors';
import type { AdaptContext, PeftMethod } from '../method';
import type { AdapterLayer } from '../tuners/adapter-layer';
import { BITFIT_FIELDS, type BitFitConfig } from './config';
import { BitFitLayer, ownBias } from './layer';

/** Whether `m` holds a bias that no module below it holds too. */
export function holdsBias(m: AnyModule): boolean {
  const bias = ownBias(m);
  if (!bias || m instanceof BitFitLayer) return false;
  for (const [path, child] of m.namedModules()) if (path !== '' && child instanceof Module && ownBias(child) === bias) return false;
  return true;
}

/** BitFit as a registered PEFT method. */
export const bitfitMethod: PeftMethod<BitFitConfig> = {
  peftType: 'BITFIT',
  fields: BITFIT_FIELDS,
  canMerge: true,

  selectsByDefault(_key: string, module: AnyModule): boolean {
    return holdsBias(module);
  },

  adaptModule(target: AnyModule, ctx: AdaptContext<BitFitConfig>): AdapterLayer {
    if (target instanceof BitFitLayer) {
      target.updateLayer(ctx.adapterName, { init: ctx.init });
      return target;
    }
    if (!ownBias(target)) {
      throw new PeftTargetError(
        'peft_target_unsupported',
        `BITFIT: target module '${ctx.key}' (${target.constructor.name}) has no bias to train; narrow target_modules to modules with a bias, or leave it null to train every bias`,
      );
    }
    return new BitFitLayer(target, ctx.adapterName, { init: ctx.init });
  },
};
