import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditTrail } from '../audit/trail.js';
import type { Store } from '../store/index.js';
import { nowSeconds } from '../store/index.js';
import { safeEqual } from '../util/hash.js';

export interface Metrics {
  registry: Registry;
  /** Counts a refused request (an OAuthError or a guard-style refusal) by endpoint and reason. */
  refusal(endpoint: string, error: string, reason: string): void;
}

/**
 * Prometheus metrics: requests and latency by route and status, tokens issued by grant and
 * format, refusals by reason (an ID token at userinfo is its own reason), login failures,
 * signing-key age, and how long ago the sweep last ran.
 */
export function createMetrics(audit: AuditTrail, store: Store): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lanekeeper_process_' });
  const tokens = new Counter({ name: 'lanekeeper_tokens_issued_total', help: 'Access tokens issued', labelNames: ['grant_type', 'format', 'dpop'], registers: [registry] });
  const logins = new Counter({ name: 'lanekeeper_login_failures_total', help: 'Failed logins', labelNames: ['reason'], registers: [registry] });
  const refusals = new Counter({ name: 'lanekeeper_refusals_total', help: 'Refused requests', labelNames: ['endpoint', 'error', 'reason'], registers: [registry] });
  const reuse = new Counter({ name: 'lanekeeper_reuse_detected_total', help: 'Code replays and refresh-token reuse detected', labelNames: ['kind'], registers: [registry] });
  const startedAt = nowSeconds();
  new Gauge({
    name: 'lanekeeper_sweep_lag_seconds',
    help: 'Seconds since any node last finished a sweep of dead rows (since this node started, if none has)',
    registers: [registry],
    async collect() {
      this.set(nowSeconds() - ((await store.maintenance.lastDone('sweep')) ?? startedAt));
    },
  });
  new Gauge({
    name: 'lanekeeper_signing_key_age_seconds',
    help: 'Age of the current signing key per algorithm',
    labelNames: ['alg'],
    registers: [registry],
    async collect() {
      const now = nowSeconds();
      for (const key of await store.keys.listLive()) if (key.state === 'current') this.set({ alg: key.alg }, now - Number(key.activated_at ?? key.created_at));
    },
  });
  audit.onRecord((event) => {
    const d = event.details ?? {};
    if (event.type === 'token.issued') tokens.inc({ grant_type: String(d.grant_type), format: String(d.token_format), dpop: String(Boolean(d.dpop)) });
    else if (event.type === 'login.failed') logins.inc({ reason: String(d.reason) });
    else if (event.type === 'code.replay_detected' || event.type === 'refresh.reuse_detected') reuse.inc({ kind: event.type });
  });
  return {
    registry,
    refusal: (endpoint, error, reason) => refusals.inc({ endpoint, error, reason }),
  };
}

/** Request counts and latency per route, and the `/metrics` endpoint (optionally behind a bearer token). */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  const requests = new Counter({ name: 'lanekeeper_http_requests_total', help: 'HTTP requests', labelNames: ['route', 'method', 'status'], registers: [metrics.registry] });
  const latency = new Histogram({
    name: 'lanekeeper_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    latency.observe({ route, method: request.method }, reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', async (request, reply) => {
    if (token !== undefined) {
      const header = request.headers.authorization ?? '';
      if (!header.startsWith('Bearer ') || !safeEqual(header.slice(7), token)) return reply.code(401).header('WWW-Authenticate', 'Bearer realm="metrics"').send({ error: 'invalid_token', error_description: 'send the metrics token' });
    }
    reply.header('Content-Type', metrics.registry.contentType).header('Cache-Control', 'no-store').send(await metrics.registry.metrics());
  });
}
