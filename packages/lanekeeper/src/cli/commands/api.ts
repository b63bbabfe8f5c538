import type { Command } from 'commander';
import { apiSchema } from '../../config/schema.js';
import { generateSecret } from '../../clients/secrets.js';
import { PREFIX } from '../../util/prefixes.js';
import type { ApiRecord } from '../../store/index.js';
import { withStore, type GlobalOptions } from '../context.js';
import { CliError, emit, isoTime, printRecord, printTable } from '../output.js';
import { parseWith, collect } from './parse.js';

function view(api: ApiRecord) {
  return {
    identifier: api.identifier,
    name: api.name,
    scopes: api.scopes,
    token_format: api.tokenFormat,
    signing_alg: api.signingAlg,
    access_token_ttl: api.accessTokenTtl,
    client_id: api.introspectionClientId,
    source: api.source,
    created_at: isoTime(api.createdAt),
    updated_at: isoTime(api.updatedAt),
  };
}

/** `--scope read:calendar="Read your calendar"` → { 'read:calendar': 'Read your calendar' } */
function parseScopes(values: string[]): Record<string, string> {
  const scopes: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    scopes[name] = eq < 0 ? name : v.slice(eq + 1);
  }
  return scopes;
}

export function apiCommands(program: Command, globals: () => GlobalOptions): void {
  const api = program.command('api').description('manage the APIs (resource servers) tokens are issued for');

  api
    .command('add <identifier>')
    .description('add or update an API; its identifier is the audience of its access tokens')
    .option('--name <name>', 'display name')
    .option('--scope <scope=description>', 'a scope the API defines (repeatable)', collect, [])
    .option('--format <format>', 'access token format: jwt or opaque', 'jwt')
    .option('--alg <alg>', 'signing algorithm: RS256, ES256 or EdDSA', 'RS256')
    .option('--ttl <seconds>', 'access token lifetime in seconds', '600')
    .option('--client-id <id>', 'give the API credentials for the introspection endpoint (a secret is generated and shown once)')
    .action(async (identifier: string, opts) => {
      const g = globals();
      await withStore(g, async ({ registry, audit }) => {
        const secret = opts.clientId ? generateSecret(PREFIX.apiSecret) : undefined;
        const input = parseWith(apiSchema, {
          identifier,
          name: opts.name,
          scopes: parseScopes(opts.scope),
          token_format: opts.format,
          signing_alg: opts.alg,
          access_token_ttl: Number(opts.ttl),
          client_id: opts.clientId,
          client_secret: secret,
        });
        const saved = await registry.saveApi(input, 'cli');
        audit({ type: 'api.changed', details: { api: saved.identifier, action: 'saved' } });
        emit({ json: !!g.json }, { ...view(saved), ...(secret ? { client_secret: secret } : {}) }, () => {
          printRecord(view(saved));
          if (secret) process.stdout.write(`\nclient_secret  ${secret}\n(shown once: store it now; only its hash is kept)\n`);
        });
      });
    });

  api
    .command('list')
    .description('list APIs')
    .action(async () => {
      const g = globals();
      await withStore(g, async ({ store }) => {
        const apis = (await store.apis.list()).map(view);
        emit({ json: !!g.json }, apis, () =>
          printTable(
            apis.map((a) => ({ ...a, scopes: Object.keys(a.scopes) })),
            ['identifier', 'name', 'token_format', 'signing_alg', 'access_token_ttl', 'scopes'],
          ),
        );
      });
    });

  api
    .command('show <identifier>')
    .description('show one API')
    .action(async (identifier: string) => {
      const g = globals();
      await withStore(g, async ({ store }) => {
        const found = await store.apis.get(identifier);
        if (!found) throw new CliError(`no API "${identifier}"`);
        emit({ json: !!g.json }, view(found), () => printRecord(view(found)));
      });
    });

  api
    .command('remove <identifier>')
    .description('remove an API')
    .action(async (identifier: string) => {
      const g = globals();
      await withStore(g, async ({ store, audit }) => {
        if (!(await store.apis.remove(identifier))) throw new CliError(`no API "${identifier}"`);
        audit({ type: 'api.changed', details: { api: identifier, action: 'removed' } });
        emit({ json: !!g.json }, { removed: identifier }, () => process.stdout.write(`removed API ${identifier}\n`));
      });
    });
}
