/**
 * Message passing over an edge list `[2, E]` int32 (row 0 sources, row 1 targets, as PyTorch
 * Geometric): gather source features per edge, transform them, and scatter-add them into their
 * targets. Graph layers are compositions of these.
 */
import { arange, concat, ones, scope, ShapeError, type Tensor, zeros } from '@graft/core';

/** Throws unless `edgeIndex` is an int32 `[2, E]` tensor. */
export function checkEdgeIndex(edgeIndex: Tensor): void {
  if (edgeIndex.dtype !== 'int32' || edgeIndex.rank !== 2 || edgeIndex.shape[0] !== 2) {
    throw new ShapeError(`edge index must be int32 [2, E], got ${edgeIndex.dtype} [${edgeIndex.shape.join(', ')}]`);
  }
}

/** The source and target node of every edge: two int32 `[E]` tensors. */
export function endpoints(edgeIndex: Tensor): { source: Tensor; target: Tensor } {
  checkEdgeIndex(edgeIndex);
  return { source: edgeIndex.narrow(0, 0, 1).reshape(-1), target: edgeIndex.narrow(0, 1, 1).reshape(-1) };
}

/** Rows of `x` `[V, ...]` at the given node ids: `[E, ...]`. */
export function gatherNodes(x: Tensor, ids: Tensor): Tensor {
  return x.indexSelect(0, ids);
}

/** Sums per-edge `messages` `[E, ...]` into `numNodes` rows at `target`: `[numNodes, ...]`. */
export function scatterAddNodes(messages: Tensor, target: Tensor, numNodes: number): Tensor {
  return scope(() => {
    const shape = [numNodes, ...messages.shape.slice(1)];
    const index = target.reshape([target.shape[0], ...messages.shape.slice(1).map(() => 1)]).expand(messages.shape as number[]);
    return zeros(shape, { dtype: messages.dtype, device: messages.device }).scatterAdd(0, index.contiguous(), messages);
  });
}

/** Edges plus one self loop per node (PyG's `add_self_loops`). */
export function addSelfLoops(edgeIndex: Tensor, numNodes: number): Tensor {
  checkEdgeIndex(edgeIndex);
  return scope(() => {
    const loop = arange(numNodes, undefined, 1, { dtype: 'int32', device: edgeIndex.device }).reshape(1, numNodes);
    return concat([edgeIndex, concat([loop, loop], 0)], 1);
  });
}

/** The number of edges arriving at each node, as `dtype` `[numNodes]`. */
export function inDegree(edgeIndex: Tensor, numNodes: number, dtype: Tensor['dtype'] = 'float32'): Tensor {
  return scope(() => {
    const { target } = endpoints(edgeIndex);
    return scatterAddNodes(ones([target.shape[0]], { dtype, device: edgeIndex.device }), target, numNodes);
  });
}

/**
 * One round of message passing: `out_i = Σ_{j→i} message(x_j, x_i, e)` with 'sum' or 'mean'
 * aggregation (isolated nodes get zeros). `message` defaults to the source features.
 */
export function propagate(
  x: Tensor,
  edgeIndex: Tensor,
  opts: { message?: (source: Tensor, target: Tensor) => Tensor; aggregate?: 'sum' | 'mean'; numNodes?: number } = {},
): Tensor {
  const numNodes = opts.numNodes ?? x.shape[0];
  return scope(() => {
    const { source, target } = endpoints(edgeIndex);
    const xj = gatherNodes(x, source);
    const messages = opts.message ? opts.message(xj, gatherNodes(x, target)) : xj;
    const summed = scatterAddNodes(messages, target, numNodes);
    if ((opts.aggregate ?? 'sum') === 'sum') return summed;
    const deg = inDegree(edgeIndex, numNodes, summed.dtype).clamp(1, null);
    return summed.div(deg.reshape([numNodes, ...summed.shape.slice(1).map(() => 1)]));
  });
}
