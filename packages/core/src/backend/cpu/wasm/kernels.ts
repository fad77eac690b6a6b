/**
 * The CPU backend's WASM kernel table: each entry tries its WASM kernel and falls back to the
 * TypeScript kernel for the dtypes, ops and layouts the WASM side does not cover (float64,
 * int32, bool, comparisons, gathers, unusual strides), so every op keeps working.
 */
import type { KernelTable, TensorView } from '../../backend';
import type { FullKernelTable } from '../../backend';
import { wasmAttention, wasmAttentionBackward } from './attention';
import { wasmGeluBackward, wasmLayerNormBackward } from './backward';
import { wasmBinary, wasmCopyRows, wasmUnary, wasmUnaryId, GELU_IDS } from './elementwise';
import { wasmMatmul } from './gemm';
import type { ThreadPool } from './pool';
import { wasmAdamW, wasmLayerNorm, wasmReduce, wasmSoftmax } from './rows';
import type { WasmRuntime } from './runtime';

const isF32 = (v: TensorView) => v.dtype === 'float32';

/** The kernels to install in WASM mode: `scalar` and `fused` are the TypeScript ones they fall back to. */
export function wasmKernels(rt: WasmRuntime, pool: ThreadPool, scalar: FullKernelTable, fused: KernelTable): KernelTable {
  return {
    ...scalar,
    ...fused,
    matmul: (inputs, out, attrs) => {
      const [a, b] = inputs;
      if (isF32(a) && isF32(b) && isF32(out)) wasmMatmul(rt, pool, a, b, out);
      else scalar.matmul(inputs, out, attrs);
    },
    contiguous: (inputs, out, attrs) => {
      if (!wasmCopyRows(rt, inputs[0], out)) scalar.contiguous(inputs, out, attrs);
    },
    binary: (inputs, out, attrs) => {
      if (!wasmBinary(rt, pool, attrs.op, inputs[0], inputs[1], out)) scalar.binary(inputs, out, attrs);
    },
    unary: (inputs, out, attrs) => {
      if (!wasmUnary(rt, pool, attrs.op, inputs[0], out)) scalar.unary(inputs, out, attrs);
    },
    reduce: (inputs, out, attrs) => {
      if (!wasmReduce(rt, pool, attrs.op, attrs.axes, inputs[0], out)) scalar.reduce(inputs, out, attrs);
    },
    softmax: (inputs, out, attrs) => {
      if (!wasmSoftmax(rt, pool, inputs[0], out, attrs.axis, false)) fused.softmax!(inputs, out, attrs);
    },
    logSoftmax: (inputs, out, attrs) => {
      if (!wasmSoftmax(rt, pool, inputs[0], out, attrs.axis, true)) fused.logSoftmax!(inputs, out, attrs);
    },
    gelu: (inputs, out, attrs) => {
      if (!wasmUnaryId(rt, pool, GELU_IDS[attrs.approximate], inputs[0], out)) fused.gelu!(inputs, out, attrs);
    },
    layerNorm: (inputs, out, attrs) => {
      const [x, w, b] = inputs;
      if (!wasmLayerNorm(rt, pool, x, w, b, out, attrs.dims, attrs.eps)) fused.layerNorm!(inputs, out, attrs);
    },
    geluBackward: (inputs, out, attrs) => {
      if (!wasmGeluBackward(rt, pool, inputs[0], inputs[1], out, attrs.approximate)) fused.geluBackward!(inputs, out, attrs);
    },
    layerNormBackward: (inputs, outs, attrs) => {
      const [x, w, g] = inputs;
      if (!wasmLayerNormBackward(rt, pool, x, w, g, outs, attrs.dims, attrs.eps)) fused.layerNormBackward!(inputs, outs, attrs);
    },
    adamwUpdate: (inputs, outs, attrs) => {
      if (!wasmAdamW(rt, pool, inputs, outs, attrs)) fused.adamwUpdate!(inputs, outs, attrs);
    },
    attention: (inputs, out, attrs) => {
      if (!wasmAttention(rt, pool, inputs, out, attrs.scale, attrs.causal)) fused.attention!(inputs, out, attrs);
    },
    attentionBackward: (inputs, outs, attrs) => {
      if (!wasmAttentionBackward(rt, pool, inputs, outs, attrs.scale, attrs.causal)) fused.attentionBackward!(inputs, outs, attrs);
    },
  };
}
