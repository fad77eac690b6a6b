/** Every op, as free functions. Tensor methods call these. */
export * from './convert';
export * from './creation';
export * from './elementwise';
export * from './reduce';
export * from './views';
export * from './movement';
export * from './indexing';
export * from './linalg';
export * from './activations';
export * from './normalization';
export * from './losses';
export * from './attention';
export * from './random';
export * from './optim';
export { fused, type DifferentiableFusedOp } from './fused';
export { composites, compositeOf, type Composite } from './composites';
