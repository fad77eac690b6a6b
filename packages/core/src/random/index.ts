/**
 * Seeded, counter-based randomness (Philox4x32-10): the same seed gives the same numbers on every
 * backend, in any chunking. `distributions.ts` documents the exact element → counter mapping that
 * GPU kernels implement.
 */
export { PHILOX_M0, PHILOX_M1, PHILOX_ROUNDS, PHILOX_W0, PHILOX_W1, mulhi32, mulhilo32, philox4x32, philox4x32Into, splitU64, toU64 } from './philox';
export {
  bernoulliAt,
  checkBernoulliArgs,
  checkNormalArgs,
  checkRandintArgs,
  countersFor,
  elementsPerBlock,
  fillBernoulli,
  fillNormal,
  fillPermutation,
  fillRandint,
  fillUniform,
  normalAt,
  randintAt,
  uniformAt,
  type SampleKind,
  type U64Like,
} from './distributions';
export { DEFAULT_SEED, Generator, defaultGenerator, manualSeed, type GeneratorState } from './generator';
