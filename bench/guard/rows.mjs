// What the guard benchmark compares, and what it must reach (issue: bench/guard; DESIGN.md,
// Benchmarks). Every row serves GET /calendar from its own process (apps.mjs).
//
// `tokens`: `distinct` cycles through all pre-minted tokens (every request a new token, so
// nothing can be answered from a cache); `repeated` sends one token again and again.

export const rows = [
  { app: 'fastify-unprotected', label: 'Fastify, unprotected', tokens: 'distinct', framework: 'fastify' },
  { app: 'fastify-raw-verify', label: 'Fastify + raw node:crypto verify (ceiling)', tokens: 'distinct', framework: 'fastify', protected: true },
  { app: 'fastify-guard', label: 'Fastify + guard, distinct tokens, cache off', tokens: 'distinct', framework: 'fastify', protected: true },
  { app: 'fastify-guard-handler', label: 'Fastify + guard inside the handler (withGuard), distinct tokens, cache off', tokens: 'distinct', framework: 'fastify', protected: true },
  { app: 'fastify-guard-cached', label: 'Fastify + guard, one repeated token, cache on', tokens: 'repeated', framework: 'fastify', protected: true },
  { app: 'express-unprotected', label: 'Express, unprotected', tokens: 'distinct', framework: 'express' },
  { app: 'express-raw-verify', label: 'Express + raw node:crypto verify (ceiling)', tokens: 'distinct', framework: 'express', protected: true },
  { app: 'express-guard', label: 'Express + guard, distinct tokens, cache off', tokens: 'distinct', framework: 'express', protected: true },
  { app: 'express-oauth2-jwt-bearer', label: 'Express + express-oauth2-jwt-bearer, distinct tokens', tokens: 'distinct', framework: 'express', protected: true },
];

/**
 * The order of one round: the rows a target compares run back to back (the machine's speed
 * drifts within seconds here, and a ratio of neighbours cancels most of that drift). The
 * pairs rotate from round to round and swap places within, so no row always runs first.
 */
const pairs = [
  // The raw route between the guard's two Fastify forms: next to each in either order.
  ['fastify-guard', 'fastify-raw-verify', 'fastify-guard-handler'],
  ['fastify-unprotected', 'fastify-guard-cached'],
  ['express-oauth2-jwt-bearer', 'express-guard'],
  ['express-raw-verify', 'express-unprotected'],
];

/** @param {typeof rows} selected @param {number} round */
export function roundOrder(selected, round) {
  const rotated = pairs.map((_, i) => pairs[(i + round) % pairs.length]);
  const apps = rotated.flatMap((pair) => (round % 2 ? [...pair].reverse() : pair));
  return apps.map((app) => selected.find((r) => r.app === app)).filter((r) => r !== undefined);
}

/** The targets (ratios of req/s in the same round), then the same-framework comparisons DESIGN.md asks for. */
export const targets = [
  { name: 'Fastify + guard ≥ 2× express-oauth2-jwt-bearer', row: 'fastify-guard', peer: 'express-oauth2-jwt-bearer', min: 2 },
  { name: 'Fastify + guard ≥ 95% of the raw node:crypto route', row: 'fastify-guard', peer: 'fastify-raw-verify', min: 0.95 },
  { name: 'Fastify + guard inside the handler ≥ 95% of the raw node:crypto route', row: 'fastify-guard-handler', peer: 'fastify-raw-verify', min: 0.95 },
  { name: 'Fastify + guard, repeated token ≥ 50% of unprotected', row: 'fastify-guard-cached', peer: 'fastify-unprotected', min: 0.5 },
  { name: 'Express + guard vs express-oauth2-jwt-bearer (same framework; no target)', row: 'express-guard', peer: 'express-oauth2-jwt-bearer' },
  { name: 'Express + guard vs the raw node:crypto route (same framework; no target)', row: 'express-guard', peer: 'express-raw-verify' },
];
