/**
 * Configs as data: PEFT's defaults, typed errors that name the field, unknown fields (strict in
 * code, lenient with "off" values in files), PEFT features Graft lacks refused by name, and the
 * JSON text PEFT writes.
 */
import { describe, expect, it } from 'vitest';
import { thrown } from '../../../../test-utils/thrown';
import { bitfitConfig } from '../bitfit/config';
import { PeftConfigError, PeftMethodError } from '../errors';
import { ia3Config } from '../ia3/config';
import { loraConfig } from '../lora/config';
import { parsePeftConfig } from '../registry';
import { configJsonText } from './config-json';
import { LORA_FIELDS } from '../lora/config';

describe('LoraConfig', () => {
  it("has PEFT's defaults", () => {
    const c = loraConfig();
    expect(c).toMatchObject({
      peft_type: 'LORA',
      r: 8,
      lora_alpha: 8,
      lora_dropout: 0,
      target_modules: null,
      bias: 'none',
      init_lora_weights: true,
      use_rslora: false,
      use_dora: false,
      fan_in_fan_out: false,
      modules_to_save: null,
      layers_to_transform: null,
      rank_pattern: {},
      alpha_pattern: {},
      inference_mode: false,
      task_type: null,
      megatron_core: 'megatron.core',
      qalora_group_size: 16,
      loftq_config: {},
    });
    // defaults are copies: changing one config's pattern leaves the next alone
    c.rank_pattern.x = 2;
    expect(loraConfig().rank_pattern).toEqual({});
  });

  it('names the field of a bad value', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ r: 0 }, 'r', /positive integer/],
      [{ r: 2.5 }, 'r', /positive integer/],
      [{ lora_alpha: -1 }, 'lora_alpha', /positive number/],
      [{ lora_dropout: 1 }, 'lora_dropout', /\[0, 1\)/],
      [{ bias: 'some' }, 'bias', /'none', 'all', 'lora_only'/],
      [{ target_modules: [1] }, 'target_modules', /list of strings/],
      [{ target_modules: '(' }, 'target_modules', /regular expression/],
      [{ init_lora_weights: 'random' }, 'init_lora_weights', /true, false or one of/],
      [{ rank_pattern: { query: 0 } }, 'rank_pattern.query', /positive integer/],
      [{ layers_to_transform: [-1] }, 'layers_to_transform', /integer ≥ 0/],
      [{ task_type: 'CLS' }, 'task_type', /'SEQ_CLS'/],
      [{ layers_to_transform: 0, target_modules: '.*query' }, 'layers_to_transform', /cannot be used/],
      [{ layers_pattern: 'layer' }, 'layers_pattern', /layers_to_transform/],
    ];
    for (const [options, field, message] of cases) {
      const e = thrown(() => loraConfig(options), PeftConfigError);
      expect([e.code, e.field]).toEqual(['peft_config_invalid', field]);
      expect(e.message).toMatch(message);
    }
  });

  it('refuses unknown fields from code, with a hint', () => {
    const camel = thrown(() => loraConfig({ loraAlpha: 16 } as never), PeftConfigError);
    expect([camel.code, camel.field]).toEqual(['peft_config_unknown_field', 'loraAlpha']);
    expect(camel.message).toMatch(/did you mean 'lora_alpha'/);
    expect(thrown(() => loraConfig({ lora_aplha: 16 } as never), PeftConfigError).message).toMatch(/did you mean 'lora_alpha'/);
    expect(thrown(() => loraConfig({ zzz: 1 } as never), PeftConfigError).message).toMatch(/known fields: .*lora_alpha/);
  });

  it('refuses PEFT features Graft does not implement, by name', () => {
    for (const [options, field] of [
      [{ init_lora_weights: 'pissa' }, 'init_lora_weights'],
      [{ init_lora_weights: 'pissa_niter_4' }, 'init_lora_weights'],
      [{ use_qalora: true }, 'use_qalora'],
      [{ loftq_config: { loftq_bits: 4 } }, 'loftq_config'],
      [{ layer_replication: [[0, 1]] }, 'layer_replication'],
      [{ target_parameters: ['experts.w'] }, 'target_parameters'],
      [{ trainable_token_indices: [1, 2] }, 'trainable_token_indices'],
    ] as const) {
      const e = thrown(() => loraConfig(options as never), PeftConfigError);
      expect([e.code, e.field]).toEqual(['peft_config_unsupported', field]);
    }
    // the same fields at their "off" values are fine
    expect(loraConfig({ use_qalora: false, target_parameters: [], loftq_config: {} } as never).use_dora).toBe(false);
  });
});

describe('parsePeftConfig', () => {
  it('dispatches on peft_type and validates each method', () => {
    expect(parsePeftConfig({ peft_type: 'IA3' }).peft_type).toBe('IA3');
    expect(thrown(() => parsePeftConfig({ peft_type: 'NOPE' }), PeftMethodError).message).toMatch(
      /registered: BITFIT, BOTTLENECK_ADAPTER, IA3, LORA, PREFIX_TUNING, PROMPT_TUNING\)/,
    );
    expect(thrown(() => parsePeftConfig({ r: 8 }), PeftConfigError).field).toBe('peft_type');
    expect(thrown(() => parsePeftConfig([1]), PeftConfigError).field).toBe('peft_type');
  });

  it('keeps unknown fields of a file while they are off, and refuses them otherwise', () => {
    const c = parsePeftConfig({ peft_type: 'LORA', new_feature: null, other: false, empty: {} }, 'file') as unknown as Record<string, unknown>;
    expect([c.new_feature, c.other, c.empty]).toEqual([null, false, {}]);
    const e = thrown(() => parsePeftConfig({ peft_type: 'LORA', new_feature: { on: true } }, 'file'), PeftConfigError);
    expect([e.code, e.field]).toEqual(['peft_config_unknown_field', 'new_feature']);
    expect(e.message).toMatch(/refused rather than ignored/);
    expect(thrown(() => parsePeftConfig({ peft_type: 'LORA', new_feature: null }), PeftConfigError).code).toBe('peft_config_unknown_field');
  });
});

describe('IA3Config and BitFitConfig', () => {
  it("have PEFT's fields and checks", () => {
    expect(ia3Config()).toMatchObject({ target_modules: null, feedforward_modules: null, init_ia3_weights: true, fan_in_fan_out: false });
    const e = thrown(() => ia3Config({ target_modules: ['key'], feedforward_modules: ['output.dense'] }), PeftConfigError);
    expect(e.field).toBe('feedforward_modules');
    expect(bitfitConfig({ task_type: 'SEQ_CLS' })).toMatchObject({ peft_type: 'BITFIT', target_modules: null, modules_to_save: null });
    expect(thrown(() => bitfitConfig({ r: 2 } as never), PeftConfigError).code).toBe('peft_config_unknown_field');
  });
});

describe('configJsonText', () => {
  it("writes what Python's json.dumps(indent=2, sort_keys=True) writes", () => {
    const text = configJsonText({ b: 1, a: [], lora_dropout: 0, c: { z: 'é', y: [1, 2] }, d: null }, LORA_FIELDS);
    expect(text).toBe(
      '{\n  "a": [],\n  "b": 1,\n  "c": {\n    "y": [\n      1,\n      2\n    ],\n    "z": "\\u00e9"\n  },\n  "d": null,\n  "lora_dropout": 0.0\n}',
    );
    expect(JSON.parse(text).c.z).toBe('é');
  });
});
