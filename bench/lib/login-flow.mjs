// A whole browser login at HTTP level, as a browser without JavaScript does it: authorize →
// login page → form POST (with the CSRF field and cookies) → consent skipped for a first-party
// app → redirect with the code → code redeemed at the token endpoint. Each flow is a new
// browser (empty cookie jar), so each one checks a password.
import { createHash, randomBytes } from 'node:crypto';

class Jar {
  cookies = new Map();
  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0];
      const eq = pair.indexOf('=');
      if (/max-age=0/i.test(line)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

function field(html, name) {
  const m = new RegExp(`name="${name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="${name}"`).exec(html);
  if (!m) throw new Error(`no field ${name} on the page`);
  return m[1] ?? m[2];
}

async function send(url, jar, init = {}) {
  const res = await fetch(url, { redirect: 'manual', ...init, headers: { cookie: jar.header(), ...init.headers } });
  jar.store(res);
  return res;
}

/** One login; throws on anything but the expected page or redirect. */
export async function loginOnce({ issuer, clientId, redirectUri, scope, resource, email, password, authorization }) {
  const jar = new Jar();
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${issuer}/authorize`);
  const q = { response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope, resource, state: randomBytes(8).toString('base64url'), code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' };
  for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
  let res = await send(url, jar);
  if (res.status !== 303) throw new Error(`authorize: ${res.status}`);
  const loginUrl = new URL(res.headers.get('location'), issuer);
  const page = await send(loginUrl, jar);
  if (page.status !== 200) throw new Error(`login page: ${page.status}`);
  const html = await page.text();
  const form = new URLSearchParams({ interaction: field(html, 'interaction'), csrf: field(html, 'csrf'), email, password });
  res = await send(loginUrl.origin + loginUrl.pathname, jar, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  // Follow the server's own redirects (back through /authorize) until the app's redirect URI.
  for (let i = 0; i < 4 && res.status === 303; i++) {
    const next = new URL(res.headers.get('location'), issuer);
    if (!next.href.startsWith(issuer)) {
      const code = next.searchParams.get('code');
      if (!code) throw new Error(`no code: ${next.search}`);
      const token = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
      });
      const body = await token.json();
      if (token.status !== 200 || !body.access_token) throw new Error(`token: ${token.status} ${body.error ?? ''}`);
      return body;
    }
    res = await send(next, jar);
  }
  throw new Error(`login did not end at the app: ${res.status}`);
}

/** `connections` concurrent browsers logging in again and again for `duration` seconds. */
export async function runLoginFlows(job) {
  const latencies = [];
  let done = 0;
  let failed = 0;
  const firstFailures = [];
  const started = performance.now();
  const end = started + job.duration * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await loginOnce(job.login);
        done++;
        latencies.push(performance.now() - t0);
      } catch (err) {
        failed++;
        if (firstFailures.length < 3) firstFailures.push(String(err.message ?? err));
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : NaN);
  return { requests: done, seconds, rps: done / seconds, p50: pct(50), p99: pct(99), non2xx: failed, errors: 0, firstFailures };
}
