/**
 * @graft/plugin-example: a third-party plugin for Graft, built only on Graft's public exports, as
 * the pattern to copy for your own. It adds LoHa (low-rank Hadamard product adapters, PEFT's
 * `LOHA`) to @graft/peft's method registry and a Trainer callback that stops a run whose loss turns
 * NaN or infinite. This entry runs in browsers and Node and registers nothing when imported: call
 * `registerPeftMethod(lohaMethod)`. The `graft` CLI's plugin (the `count-tokens` command, and LoHa
 * registered for adapters the CLI loads) is `@graft/plugin-example/cli`.
 * @packageDocumentation
 */
export { LOHA_FIELDS, LoHaLinear, lohaConfig, lohaMethod, validateLoHaConfig, type LoHaConfig, type LoHaLayerOptions } from './loha/index';
export { NonFiniteLossGuard, type NonFiniteLossGuardOptions, type NonFiniteTrip } from './callbacks/non-finite-loss-guard';
