/**
 * Loops that stay synchronous until the user's function returns a promise. `map` and `filter`
 * take sync or async functions; a sync function gives a Dataset at once (so calls chain without
 * `await`), an async one a Promise of it, and the switch happens at the first promise, so nobody
 * has to declare which kind they passed.
 */

/** True for promises and other thenables. */
export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * Calls `step(i)` for i in [0, n) and hands each result to `take(i, value)`. Returns nothing when
 * every step was synchronous, or a promise that settles after the last step once one was not.
 */
export function loop<T>(n: number, step: (i: number) => T | PromiseLike<T>, take: (i: number, value: T) => void): void | Promise<void> {
  for (let i = 0; i < n; i++) {
    const v = step(i);
    if (isThenable(v)) return finish(i, v, n, step, take);
    take(i, v as T);
  }
}

async function finish<T>(
  from: number,
  first: PromiseLike<T>,
  n: number,
  step: (i: number) => T | PromiseLike<T>,
  take: (i: number, value: T) => void,
): Promise<void> {
  take(from, await first);
  for (let i = from + 1; i < n; i++) take(i, await step(i));
}

/** `then(value)` now, or after `pending` settles. */
export function after<R>(pending: void | Promise<void>, then: () => R): R | Promise<R> {
  return pending ? pending.then(then) : then();
}
