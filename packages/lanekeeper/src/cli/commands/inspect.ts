import type { Command } from 'commander';
import type { GlobalOptions } from '../context.js';
import { CliError } from '../output.js';
import { collect } from './parse.js';

const HELP = `
Reads a token from the argument, --file, or standard input (- or a pipe) and prints its lane
with the evidence, every claim in words, and (when asked) its verification and the verdict of
an API. It never prints the whole token or a secret unless --show-token is given.

Network: none by default. --online reaches the issuer the token names, --issuer URL the one
given: discovery, JWKS, and introspection with --client-id/--client-secret.

Exit codes:
  0  valid for the --audience (or, without --audience: it decodes, and verifies when asked);
     a verdict "not refused, signature not checked" (offline) is also 0
  1  an API with that audience would refuse it, it does not verify, or it is not a token
  2  usage error

Examples:
  lanekeeper inspect eyJhbGciOi...
  pbpaste | lanekeeper inspect --audience https://api.example.com --scope read:x --online
  lanekeeper inspect --file token.txt --issuer https://id.example.com --json
  lanekeeper inspect lk_at_... --issuer https://id.example.com --client-id api --client-secret ...`;

interface InspectFlags {
  file?: string;
  audience?: string;
  scope: string[];
  issuer?: string;
  online?: boolean;
  clientId?: string;
  clientSecret?: string;
  alg: string[];
  showToken?: boolean;
  timeout: string;
}

function usage(message: string): never {
  throw new CliError(message, 2);
}

function checkFlags(flags: InspectFlags): number {
  if (flags.scope.length && flags.audience === undefined) usage('--scope needs --audience (the API that requires it)');
  if (flags.audience !== undefined && flags.audience.trim() === '') usage('--audience: give the API identifier');
  if ((flags.clientId === undefined) !== (flags.clientSecret === undefined)) usage('--client-id and --client-secret go together');
  if (flags.issuer !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(flags.issuer);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) usage('--issuer: must be an http(s) URL');
  }
  for (const alg of flags.alg) {
    if (alg.toLowerCase() === 'none' || /^HS\d+$/i.test(alg)) usage(`--alg ${alg}: only asymmetric algorithms verify an issuer's tokens`);
  }
  const timeout = Number(flags.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 120) usage('--timeout: seconds, between 0 and 120');
  return timeout * 1000;
}

async function readStdin(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

export function inspectCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('inspect')
    .argument('[token]', 'the token, or - to read it from standard input')
    .description("tell a token's lane with the evidence, every claim in words, verify it, and give an API's verdict")
    .option('--file <file>', 'read the token from a file')
    .option('--audience <url>', "an API's identifier: would that API accept this token, and if not, why")
    .option('--scope <scope>', 'a scope that API requires (repeatable)', collect, [])
    .option('--issuer <url>', 'verify against this issuer (discovery, JWKS; the API trusts it)')
    .option('--online', 'verify against the issuer the token names (its iss)')
    .option('--client-id <id>', 'introspect opaque tokens with these credentials')
    .option('--client-secret <secret>', 'the secret for --client-id (never printed)')
    .option('--alg <alg>', "an algorithm the API allows (repeatable; default: the guard's asymmetric list)", collect, [])
    .option('--show-token', 'print the whole token too')
    .option('--timeout <seconds>', 'per request to the issuer', '5')
    .addHelpText('after', HELP)
    .action(async (argument: string | undefined, flags: InspectFlags) => {
      const g = globals();
      const timeoutMs = checkFlags(flags);
      const [{ readToken, UsageError }, { inspect }, { renderInspect }, { styleFor }] = await Promise.all([
        import('../../lanetools/token-input.js'),
        import('../../lanetools/inspect.js'),
        import('../../lanetools/inspect-render.js'),
        import('../../lanetools/terminal.js'),
      ]);
      let read;
      try {
        read = await readToken({ argument, file: flags.file, readStdin, stdinIsTTY: process.stdin.isTTY === true });
      } catch (error) {
        if (error instanceof UsageError) usage(error.message);
        throw error;
      }
      const report = await inspect(read.token, {
        audience: flags.audience,
        scopes: flags.scope,
        algorithms: flags.alg,
        issuer: flags.issuer,
        online: flags.online === true,
        clientId: flags.clientId,
        clientSecret: flags.clientSecret,
        showToken: flags.showToken === true,
        removed: read.removed,
        timeoutMs,
      });
      if (g.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(`${renderInspect(report, styleFor(process.stdout)).join('\n')}\n`);
      process.exitCode = report.exit_code;
    });
}
