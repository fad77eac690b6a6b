/**
 * adapter_config.json as PEFT writes it: Python's `json.dumps(config, indent=2, sort_keys=True)`,
 * so keys are sorted at every level, non-ASCII characters are `\uXXXX` escapes, there is no
 * trailing newline, and float fields keep their decimal point (`"lora_dropout": 0.0`, which
 * Python reads back as a float).
 */
import type { FieldSpecs } from './fields';

function quote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function number(n: number, float: boolean): string {
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : n < 0 ? '-Infinity' : 'NaN';
  const s = String(n);
  return float && Number.isInteger(n) && !s.includes('e') ? `${s}.0` : s;
}

function write(v: unknown, indent: string, float: boolean): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return number(v, float);
  if (typeof v === 'string') return quote(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + write(x, inner, float)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(v as object).sort();
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${quote(k)}: ${write((v as Record<string, unknown>)[k], inner, float)}`).join(',\n')}\n${indent}}`;
}

/** The JSON text of `config`: `specs` say which fields are Python floats. */
export function configJsonText(config: object, specs: FieldSpecs): string {
  const keys = Object.keys(config).sort();
  const lines = keys.map((k) => `  ${quote(k)}: ${write((config as Record<string, unknown>)[k], '  ', specs[k]?.float === true)}`);
  return `{\n${lines.join(',\n')}\n}`;
}
