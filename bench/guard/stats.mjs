// Summaries of repeated samples: the median, and the spread as min–max.

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** @param {number[]} values @returns {{ median: number, min: number, max: number }} */
export function spread(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Per-round ratios a[i] / b[i], summarised: rows of one round ran close in time, so slow drift cancels. */
export function ratioOf(a, b) {
  return spread(a.map((x, i) => x / b[i]));
}
