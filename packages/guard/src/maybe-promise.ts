/**
 * A value now, or later. The guard's common path (a JWT whose key is in hand) finishes
 * without waiting for anything; returning values instead of promises there keeps each
 * request from paying for a chain of microtasks it does not need.
 */
export type MaybePromise<T> = T | Promise<T>;

