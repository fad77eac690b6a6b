/** Catching an error to look at it: vitest's `toThrow` checks one but does not hand it back. */
import { expect } from 'vitest';

/**
 * The error `fn` throws, checked to be an instance of `type` (default Error): the test fails
 * when `fn` throws something else, or nothing.
 */
export function thrown<E extends Error = Error>(fn: () => unknown, type?: abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(type ?? Error);
    return e as E;
  }
  throw new Error(`expected ${type?.name ?? 'an error'} to be thrown, but nothing was`);
}
