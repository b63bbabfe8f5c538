import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';
import { CliError } from '../output.js';
import { collect } from './parse.js';

const HELP = `
A black-box audit of one protected API endpoint: it sends the endpoint tokens a correct API
must refuse and reports each one the API wrongly accepts.

Bounds: it sends requests ONLY to --url, one per probe and at most 15 in all, one at a time.
In foreign mode it also reads the issuer's public metadata and JWKS (two or three GETs to the
issuer) for the HS256 probe. Run it only against APIs you are allowed to test.

Modes:
  operator  --config FILE --api IDENTIFIER: mints every variant with the deployment's own keys
            (valid control, ID token, other API, expired, not yet valid, typ JWT, no or too
            little scope, unknown key, alg none, HS256 with the public key, tampered,
            DPoP-bound as Bearer, token in the query string)
  foreign   --access-token T [--id-token T], any issuer: the variants that need no key (the ID
            token, tampered claims, alg none, HS256 with the issuer's JWKS key, a truncated
            signature, the token in the query string). T may be @FILE to read it from a file.

The control (a valid access token) must be accepted first; if it is not, the probe stops and
says the API, its identifier or the URL is wrong.

Exit codes: 0 nothing wrongly accepted, 1 a probe was accepted, 2 usage error or nothing could
be judged (control refused, API unreachable).

Examples:
  lanekeeper probe --config lanekeeper.json --api https://api.example.com \\
    --url https://api.example.com/entries --scope read:entries
  lanekeeper probe --url https://api.example.com/me --access-token @at.txt --id-token @id.txt \\
    --junit probe.xml`;

interface ProbeFlags {
  url?: string;
  api?: string;
  issuer?: string;
  accessToken?: string;
  idToken?: string;
  scope: string[];
  method: string;
  header: string[];
  data?: string;
  timeout: string;
  junit?: string;
}

function usage(message: string): never {
  throw new CliError(message, 2);
}

function httpUrl(value: string, flag: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) usage(`${flag}: must be an http(s) URL`);
  return value;
}

/** A token given on the command line, or `@FILE`. */
function tokenValue(value: string, flag: string): string {
  if (!value.startsWith('@')) return value.trim();
  try {
    return readFileSync(value.slice(1), 'utf8').trim();
  } catch (error) {
    usage(`${flag}: cannot read ${value.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function headers(values: string[]): Array<[string, string]> {
  return values.map((value) => {
    const colon = value.indexOf(':');
    const name = colon > 0 ? value.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) usage(`--header ${JSON.stringify(value)}: write it as "Name: value"`);
    if (['authorization', 'dpop'].includes(name.toLowerCase())) usage(`--header ${name}: the probe sets it itself`);
    return [name, value.slice(colon + 1).trim()];
  });
}

export function probeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('probe')
    .description('audit a protected API: send it tokens it must refuse, report the ones it accepts (at most 15 requests, to --url only)')
    .option('--url <url>', 'the endpoint to probe (the only URL requests are sent to)')
    .option('--api <identifier>', "operator mode: the API's identifier in this deployment (with --config)")
    .option('--issuer <url>', "operator mode: the issuer, when the config names none; foreign mode: where to find the JWKS (default: the token's iss)")
    .option('--access-token <token>', 'foreign mode: a valid access token for the API (or @FILE)')
    .option('--id-token <token>', 'foreign mode: an ID token of a client of the same issuer (or @FILE)')
    .option('--scope <scope>', 'a scope the endpoint requires (repeatable)', collect, [])
    .option('--method <method>', 'HTTP method', 'GET')
    .option('--header <header>', 'an extra request header, "Name: value" (repeatable)', collect, [])
    .option('--data <body>', 'a request body (JSON or form, by its look)')
    .option('--timeout <seconds>', 'per request', '10')
    .option('--junit <file>', 'also write a JUnit XML report to this file')
    .addHelpText('after', HELP)
    .action(async (flags: ProbeFlags) => {
      const g = globals();
      if (!flags.url) usage('--url is required: the endpoint to probe');
      const url = httpUrl(flags.url, '--url');
      const foreign = flags.accessToken !== undefined;
      if (foreign && flags.api !== undefined) usage('choose one mode: --api (operator) or --access-token (foreign)');
      if (!foreign && flags.api === undefined) usage('give --api IDENTIFIER (operator mode, with --config) or --access-token TOKEN (foreign mode)');
      if (!foreign && flags.idToken !== undefined) usage('--id-token belongs to foreign mode (with --access-token)');
      if (flags.issuer !== undefined) httpUrl(flags.issuer, '--issuer');
      const method = flags.method.toUpperCase();
      if (!/^[A-Z]+$/.test(method)) usage('--method: an HTTP method such as GET or POST');
      if (flags.data !== undefined && (method === 'GET' || method === 'HEAD')) usage(`--data: a ${method} request has no body; add --method POST (or PUT, PATCH)`);
      const timeout = Number(flags.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 120) usage('--timeout: seconds, between 0 and 120');
      const target = { url, method, headers: headers(flags.header), ...(flags.data !== undefined ? { data: flags.data } : {}), timeoutMs: timeout * 1000, fetch: (i: string, init?: RequestInit) => fetch(i, init) };

      const [{ runProbe }, { renderProbe }, { junitXml }, { styleFor }] = await Promise.all([
        import('../../lanetools/probe.js'),
        import('../../lanetools/probe-render.js'),
        import('../../lanetools/probe-junit.js'),
        import('../../lanetools/terminal.js'),
      ]);
      let report;
      if (foreign) {
        const { foreignPlan } = await import('../../lanetools/probe-foreign.js');
        const accessToken = tokenValue(flags.accessToken as string, '--access-token');
        const idToken = flags.idToken !== undefined ? tokenValue(flags.idToken, '--id-token') : undefined;
        if (!accessToken) usage('--access-token: empty');
        report = await runProbe(await foreignPlan({ target, accessToken, idToken, issuer: flags.issuer }));
      } else {
        const { openDeployment, ProbeSetupError } = await import('../../lanetools/probe-deployment.js');
        const { operatorCases } = await import('../../lanetools/probe-cases.js');
        let opened;
        try {
          opened = await openDeployment({ configFile: g.config, api: flags.api as string, issuer: flags.issuer });
        } catch (error) {
          if (error instanceof ProbeSetupError) usage(error.message);
          throw error;
        }
        try {
          const { deployment, notes } = opened;
          report = await runProbe({ mode: 'operator', target, api: deployment.api.identifier, issuer: deployment.issuer, cases: await operatorCases(deployment, flags.scope), notes });
        } finally {
          await opened.close();
        }
      }
      if (flags.junit) writeFileSync(flags.junit, junitXml(report));
      if (g.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(`${renderProbe(report, styleFor(process.stdout)).join('\n')}\n`);
      process.exitCode = report.exit_code;
    });
}
