/**
 * How a tensor prints (`String(t)`, template strings, and `console.log(t)` in Node through the
 * `nodejs.util.inspect.custom` symbol, with no import of node:util so this runs in browsers):
 * values laid out as PyTorch does, then shape, dtype and device.
 *
 *   Tensor([[ 0.1000, -1.2500],
 *           [ 3.0000,  4.0000]], shape=[2, 2], dtype=float32, device=cpu)
 *
 * Tensors above 1000 elements are summarised to their first and last 3 entries along every
 * dimension (`...` between), read from a small gathered copy, never the whole tensor. Values are
 * read only where that is synchronous (the CPU); elsewhere the text says to `await t.data()`.
 */
import { noGrad } from './autograd/graph';
import { decodeFloat16Array } from './io/half-float';
import { scope } from './memory';
import * as ops from './ops/index';
import type { Tensor } from './tensor';

/** Above this many elements a tensor is summarised (PyTorch's default threshold). */
const THRESHOLD = 1000;
/** Entries kept at each end of a summarised dimension. */
const EDGE = 3;
/** Lines wrap before this width, as in PyTorch. */
const LINE_WIDTH = 80;
const PREFIX = 'Tensor(';

/** The printed form of `t`; never throws (a tensor that cannot be read says why). */
export function formatTensor(t: Tensor): string {
  if (t.isDisposed) return `${PREFIX}shape=[${t.shape.join(', ')}], dtype=${t.dtype}, disposed)`;
  const suffix = `shape=[${t.shape.join(', ')}], dtype=${t.dtype}, device=${t.device}${t.requiresGrad ? ', requiresGrad=true' : ''}`;
  if (!t.storage.backend.readSync) return `${PREFIX}${suffix}; read values with \`await t.data()\`)`;
  try {
    const summarise = t.size > THRESHOLD;
    const { shape, values } = summarise ? readEdges(t) : { shape: [...t.shape], values: readValues(t) };
    const cells = formatCells(values, t.dtype);
    const body = t.rank === 0 ? cells[0] : layout(shape, cells, summarise, t.shape);
    return `${PREFIX}${body}, ${suffix})`;
  } catch (err) {
    return `${PREFIX}${suffix}; values unavailable: ${(err as Error).message})`;
  }
}

/** All values as numbers (float16 decoded from its bit patterns; bool as 0/1). */
function readValues(t: Tensor): ArrayLike<number> {
  const data = t.dataSync();
  return t.dtype === 'float16' ? decodeFloat16Array(data as Uint16Array) : data;
}

/** The first and last EDGE entries of every long dimension, gathered into a small copy and read. */
function readEdges(t: Tensor): { shape: number[]; values: ArrayLike<number> } {
  return noGrad(() =>
    scope(() => {
      let x = t;
      t.shape.forEach((n, axis) => {
        if (n <= 2 * EDGE) return;
        const keep = [...Array(EDGE).keys()].flatMap((i) => [i, n - EDGE + i]).sort((a, b) => a - b);
        x = ops.indexSelect(x, axis, ops.tensor(keep, { dtype: 'int32', device: t.device }));
      });
      return { shape: [...x.shape], values: readValues(x) };
    }),
  );
}

/** Each value as text, right-aligned to a common width, in PyTorch's style for the dtype. */
function formatCells(values: ArrayLike<number>, dtype: Tensor['dtype']): string[] {
  const list = Array.from(values);
  let text: string[];
  if (dtype === 'bool') text = list.map((v) => (v ? 'true' : 'false'));
  else if (dtype === 'int32') text = list.map(String);
  else text = formatFloats(list);
  const width = Math.max(0, ...text.map((s) => s.length));
  return text.map((s) => s.padStart(width));
}

/**
 * PyTorch's float formats: whole numbers as `3.`; fixed with 4 decimals; or scientific when
 * magnitudes span more than 1000×, exceed 1e8 or go below 1e-4.
 */
function formatFloats(values: number[]): string[] {
  const finite = values.filter(Number.isFinite);
  const magnitudes = finite.map(Math.abs).filter((v) => v > 0);
  const max = Math.max(0, ...magnitudes);
  const min = Math.min(Infinity, ...magnitudes);
  const whole = finite.every(Number.isInteger);
  const scientific = magnitudes.length > 0 && (max > 1e8 || (!whole && (min < 1e-4 || max / min > 1000)));
  return values.map((v) => {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (scientific) return v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
    if (whole) return `${Object.is(v, -0) ? '-0' : v}.`;
    return v.toFixed(4);
  });
}

/**
 * Nested brackets over `cells` (row-major over `shape`); with `summarise`, dimensions that were
 * cut (`full[d] > 2·EDGE`) show `...` between their first and last EDGE entries.
 */
function layout(shape: number[], cells: string[], summarise: boolean, full: readonly number[]): string {
  const rank = shape.length;
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const cut = (d: number) => summarise && full[d] > 2 * EDGE;
  const block = (d: number, offset: number, indent: number): string => {
    if (shape[d] === 0) return '[]';
    const items: string[] = [];
    for (let i = 0; i < shape[d]; i++) {
      if (cut(d) && i === EDGE) items.push('...');
      items.push(d === rank - 1 ? cells[offset + i] : block(d + 1, offset + i * strides[d], indent + 1));
    }
    if (d === rank - 1) return `[${wrap(items, indent + 1)}]`;
    const pad = ' '.repeat(indent + 1);
    return `[${items.join(`,${'\n'.repeat(Math.max(1, rank - d - 1))}${pad}`)}]`;
  };
  return block(0, 0, PREFIX.length);
}

/** The innermost row, broken into lines that fit LINE_WIDTH (continuations indented under the bracket). */
function wrap(items: string[], indent: number): string {
  const width = Math.max(...items.map((s) => s.length)) + 2;
  const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / width));
  if (items.length <= perLine) return items.join(', ');
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
  return lines.join(`,\n${' '.repeat(indent)}`);
}
