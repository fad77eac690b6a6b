/**
 * The shared module loop (PEFT's `BaseTuner.inject_adapter`): resolve `target_modules` (the
 * method's default for the model type, `all-linear`), walk a snapshot of the model's modules,
 * adapt each match with the method, and fail the way PEFT fails when nothing was adapted.
 */
import type { AnyModule } from '@graft/nn';
import type { PeftConfig } from '../config/peft-config';
import { PeftTargetError } from '../errors';
import type { InjectContext, PeftMethod } from '../method';
import { AdapterLayer } from './adapter-layer';
import { ModulesToSaveWrapper } from './modules-to-save';
import { ALL_LINEAR, allLinearNames, matchTarget, modelTypeOf, type TargetFields } from './targets';

type TargetConfig = PeftConfig & TargetFields;

/** Fills a null `target_modules` with the method's default for the model type, or leaves it null when the method selects modules itself. */
function resolveDefaultTargets(method: PeftMethod, config: TargetConfig, model: AnyModule): void {
  if (config.target_modules != null || !('target_modules' in config)) return;
  const modelType = modelTypeOf(model);
  const defaults = modelType === null ? undefined : method.defaultTargetModules?.[modelType];
  if (defaults) config.target_modules = [...defaults];
  else if (!method.selectsByDefault) {
    const known = Object.keys(method.defaultTargetModules ?? {})
      .sort()
      .join(', ');
    throw new PeftTargetError(
      'peft_target_unspecified',
      `${method.peftType}: set target_modules: ${modelType === null ? 'the model has no config.model_type' : `model_type '${modelType}' has no default targets`}${known ? ` (defaults exist for: ${known})` : ''}`,
    );
  }
}

/** The paths of modules that sit inside an adapter layer or a modules_to_save wrapper (never adapted again). */
function internalPrefixes(named: [string, AnyModule][]): string[] {
  return named.filter(([k, m]) => k !== '' && (m instanceof AdapterLayer || m instanceof ModulesToSaveWrapper)).map(([k]) => `${k}.`);
}

/** Adds the adapter of `ctx` to every module the config selects; returns the adapted paths. */
export function injectModules(method: PeftMethod, ctx: InjectContext): string[] {
  const { model } = ctx;
  const config = ctx.config as TargetConfig;
  if (!method.adaptModule) throw new PeftTargetError('peft_target_unsupported', `${method.peftType} has neither adaptModule nor inject`);
  method.prepareConfig?.(config, model);
  resolveDefaultTargets(method, config, model);
  if (typeof config.target_modules === 'string' && config.target_modules.toLowerCase() === ALL_LINEAR) {
    config.target_modules = allLinearNames(model, config.task_type);
  }
  const named = [...model.namedModules()];
  const internal = internalPrefixes(named);
  const targeted: string[] = [];
  const excluded: string[] = [];
  const excludedTargets: string[] = [];
  const unmatched: string[] = [];
  for (const [key, module] of named) {
    if (key === '') continue;
    const selector = method.selectsByDefault ? () => method.selectsByDefault!(key, module, ctx.config) : undefined;
    // whether the targets name the module at all, exclusions aside: the error for an adapter that
    // went nowhere says "excluded" only when a module the targets name was excluded
    const targetsNameIt = matchTarget({ ...config, exclude_modules: null, modules_to_save: null, leave_out: null }, key, selector) !== 'unmatched';
    if (internal.some((p) => key.startsWith(p))) {
      // inside a wrapper (modules_to_save's copies, an adapter layer): never adapted again
      excluded.push(key);
      if (targetsNameIt) excludedTargets.push(key);
      continue;
    }
    const result = matchTarget(config, key, selector);
    if (result === 'excluded') {
      excluded.push(key);
      if (targetsNameIt) excludedTargets.push(key);
    } else if (result === 'unmatched') unmatched.push(key);
    else {
      const layer = method.adaptModule(module, { ...ctx, key });
      if (layer !== module) model.setSubmodule(key, layer);
      targeted.push(key);
    }
  }
  if (targeted.length === 0) throw nothingAdapted(method, config, excludedTargets.length > 0, unmatched.length > 0);
  const ex = config.exclude_modules;
  if (ex && ex.length > 0 && !excluded.some((k) => !internal.some((p) => k.startsWith(p)))) {
    ctx.warn(`You have passed exclude_modules=${JSON.stringify(ex)} but no modules were excluded. Please check that exclude_modules was set correctly.`);
  }
  return targeted;
}

/** PEFT's error for an adapter that went nowhere, by what happened to the modules. */
function nothingAdapted(method: PeftMethod, config: TargetConfig, anyExcluded: boolean, anyUnmatched: boolean): PeftTargetError {
  const layers = [
    config.layers_to_transform != null ? ` Note: layers_to_transform is ${JSON.stringify(config.layers_to_transform)}.` : '',
    config.layers_pattern != null ? ` layers_pattern is ${JSON.stringify(config.layers_pattern)}.` : '',
  ].join('');
  if (anyExcluded && !anyUnmatched) {
    return new PeftTargetError(
      'peft_target_excluded',
      `${method.peftType}: all modules were excluded; check target_modules, exclude_modules and modules_to_save`,
    );
  }
  if (!anyExcluded) {
    return new PeftTargetError(
      'peft_target_not_found',
      `${method.peftType}: target_modules ${JSON.stringify(config.target_modules)} not found in the base model; check the module names (model.namedModules()).${layers}`,
    );
  }
  return new PeftTargetError(
    'peft_target_excluded',
    `${method.peftType}: no modules were adapted: the ones target_modules ${JSON.stringify(config.target_modules)} names are excluded by exclude_modules or modules_to_save.${layers}`,
  );
}
