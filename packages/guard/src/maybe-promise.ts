/**
 * A value now, or later. The guard's common path (a JWT whose key is in hand) finishes
 * without waiting for anything; returning values instead of promises there keeps each
 * request from paying for a chain of microtasks it does not need.
 */
export type MaybePromise<T> = T | Promise<T>;

/** Applies `next` to the value now, or when it arrives. */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
