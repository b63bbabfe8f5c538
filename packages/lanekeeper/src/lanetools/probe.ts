/**
 * `lanekeeper probe`, framework-free: sends the API one request per probe, to the one URL it
 * was given, and judges each answer. Order: no token (the endpoint must be protected at all),
 * the control (a valid token must be accepted, or nothing else can be judged), then every
 * token the API must refuse. At most one request per probe (`MAX_REQUESTS`).
 */
import { MAX_REQUESTS, PROBES, SEVERITY_ORDER, type ProbeId, type Severity } from './probe-catalog.js';
import type { ProbeCase } from './probe-cases.js';
import { send, type ProbeResponse, type Target } from './probe-http.js';

export type ProbeVerdict = 'refused' | 'accepted' | 'inconclusive' | 'control_ok' | 'skipped';

export interface ProbeResult {
  id: ProbeId;
  /** What was sent, in words (never the token). */
  sent: string;
  verdict: ProbeVerdict;
  severity: Severity;
  /** What accepting it means. */
  finding: string;
  fix: string;
  /** What came back; null when nothing was sent (skipped) or no answer came. */
  response: ProbeResponse | null;
  /** Why a probe is inconclusive or skipped. */
  reason: string | null;
}

/** The `probe --json` document. */
export interface ProbeReport {
  lanekeeper_probe: number;
  mode: 'operator' | 'foreign';
  target: { url: string; method: string };
  api: string | null;
  issuer: string | null;
  /** Things the run did besides probing (e.g. fetching the issuer's public JWKS). */
  notes: string[];
  max_requests: number;
  requests_sent: number;
  /** Set when the run stopped early: the endpoint needs no token, or the control was refused. */
  stopped: { probe: ProbeId; reason: 'unprotected' | 'control_refused' | 'unreachable'; message: string } | null;
  results: ProbeResult[];
  summary: { probes: number; accepted: number; refused: number; inconclusive: number; skipped: number; worst: Severity | null };
  /** 0: nothing wrongly accepted; 1: a probe was accepted; 2: could not judge (control refused, API unreachable). */
  exit_code: 0 | 1 | 2;
}

export const PROBE_JSON_VERSION = 1;

export interface ProbePlan {
  mode: 'operator' | 'foreign';
  target: Target;
  api: string | null;
  issuer: string | null;
  cases: ProbeCase[];
  notes?: string[];
  /** What most likely went wrong when the control is refused (e.g. the given token expired). */
  controlHint?: string | undefined;
}

const CONTROL_HINTS = {
  operator: 'the API, its identifier (--api), the issuer (--issuer), or the URL/method is wrong',
  foreign: 'the given token may have expired or be for another API, or the URL/method is wrong',
};

const accepted = (status: number) => status >= 200 && status < 300;
const refused = (status: number) => status === 401 || status === 403;

function result(c: ProbeCase, verdict: ProbeVerdict, response: ProbeResponse | null, reason: string | null): ProbeResult {
  const spec = PROBES[c.id];
  return { id: c.id, sent: c.sent, verdict, severity: spec.severity, finding: spec.finding, fix: spec.fix, response, reason };
}

/** The verdict for a token the API must refuse. */
function judge(c: ProbeCase, response: ProbeResponse): ProbeResult {
  if (refused(response.status)) return result(c, 'refused', response, null);
  if (accepted(response.status)) {
    return c.acceptedOnlyIf ? result(c, 'inconclusive', response, c.acceptedOnlyIf) : result(c, 'accepted', response, null);
  }
  const why = response.status >= 300 && response.status < 400 ? 'a redirect, not an answer' : response.status >= 500 ? 'the API failed' : 'neither accepted nor refused as RFC 6750 says (401/403)';
  return result(c, 'inconclusive', response, `HTTP ${response.status}: ${why}`);
}

function summarize(results: ProbeResult[]): ProbeReport['summary'] {
  const judged = results.filter((r) => r.id !== 'control');
  const found = judged.filter((r) => r.verdict === 'accepted');
  const worst = SEVERITY_ORDER.find((s) => found.some((r) => r.severity === s)) ?? null;
  return {
    probes: judged.length,
    accepted: found.length,
    refused: judged.filter((r) => r.verdict === 'refused').length,
    inconclusive: judged.filter((r) => r.verdict === 'inconclusive').length,
    skipped: judged.filter((r) => r.verdict === 'skipped').length,
    worst,
  };
}

export async function runProbe(plan: ProbePlan): Promise<ProbeReport> {
  const results: ProbeResult[] = [];
  let sent = 0;
  let stopped: ProbeReport['stopped'] = null;
  for (const c of plan.cases) {
    if (stopped) {
      results.push(result(c, 'skipped', null, 'not sent: the run stopped'));
      continue;
    }
    if (c.skip) {
      results.push(result(c, 'skipped', null, c.skip));
      continue;
    }
    if (sent >= MAX_REQUESTS) {
      results.push(result(c, 'skipped', null, `the run sends at most ${MAX_REQUESTS} requests`));
      continue;
    }
    sent += 1;
    const response = await send(plan.target, c.placement, c.token);
    if ('failure' in response) {
      results.push(result(c, 'inconclusive', null, `no answer: ${response.failure}`));
      if (c.id === 'control' || c.id === 'no-token') {
        stopped = { probe: c.id, reason: 'unreachable', message: `the API did not answer (${response.failure}): is the URL right, and is the API running? Nothing else can be judged.` };
      }
      continue;
    }
    if (c.id === 'control') {
      if (accepted(response.status)) {
        results.push(result(c, 'control_ok', response, null));
        continue;
      }
      results.push(result(c, 'inconclusive', response, `a valid access token got HTTP ${response.status}`));
      const said = response.error_description ? `: "${response.error_description}"` : '';
      stopped = {
        probe: 'control',
        reason: 'control_refused',
        message: `a valid access token was not accepted (HTTP ${response.status}${said}): ${plan.controlHint ?? CONTROL_HINTS[plan.mode]}. Nothing else can be judged.`,
      };
      continue;
    }
    const judged = judge(c, response);
    results.push(judged);
    if (c.id === 'no-token' && judged.verdict === 'accepted') {
      stopped = { probe: 'no-token', reason: 'unprotected', message: 'the endpoint answered without any token: every other probe would read as accepted, so none was sent' };
    }
  }
  const summary = summarize(results);
  const exit = summary.accepted > 0 ? 1 : stopped ? 2 : 0;
  return {
    lanekeeper_probe: PROBE_JSON_VERSION,
    mode: plan.mode,
    target: { url: plan.target.url, method: plan.target.method },
    api: plan.api,
    issuer: plan.issuer,
    notes: plan.notes ?? [],
    max_requests: MAX_REQUESTS,
    requests_sent: sent,
    stopped,
    results,
    summary,
    exit_code: exit,
  };
}
