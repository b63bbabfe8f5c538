/** Seconds since the epoch: the unit of every time column and token claim. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
