import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { clientSchema } from '../../config/schema.js';
import { generateSecret, hashSecret } from '../../clients/secrets.js';
import { PREFIX } from '../../util/prefixes.js';
import type { ClientRecord } from '../../store/index.js';
import { nowSeconds } from '../../store/index.js';
import { withStore, type GlobalOptions } from '../context.js';
import { CliError, emit, isoTime, printRecord, printTable } from '../output.js';
import { collect, parseWith } from './parse.js';

function view(c: ClientRecord) {
  return {
    client_id: c.clientId,
    client_name: c.clientName,
    token_endpoint_auth_method: c.tokenEndpointAuthMethod,
    grant_types: c.grantTypes,
    apis: c.apis,
    default_api: c.defaultApi,
    redirect_uris: c.redirectUris,
    post_logout_redirect_uris: c.postLogoutRedirectUris,
    first_party: c.firstParty,
    jwks_uri: c.jwksUri,
    has_jwks: c.jwks !== null,
    source: c.source,
    created_at: isoTime(c.createdAt),
    updated_at: isoTime(c.updatedAt),
  };
}

/** `--api https://calendar.example.com=read:calendar,write:calendar` */
function parseApis(values: string[]): Record<string, string[]> {
  const apis: Record<string, string[]> = {};
  for (const v of values) {
    const eq = v.lastIndexOf('=');
    if (eq < 0) apis[v] = [];
    else apis[v.slice(0, eq)] = v.slice(eq + 1).split(',').filter(Boolean);
  }
  return apis;
}

function needsSecret(method: string): boolean {
  return method === 'client_secret_basic' || method === 'client_secret_post';
}

export function clientCommands(program: Command, globals: () => GlobalOptions): void {
  const client = program.command('client').description('manage clients (apps and machine callers)');

  client
    .command('add <client_id>')
    .description('add or update a client; a secret-holding client gets a generated 256-bit secret, shown once')
    .option('--name <name>', 'display name (client_name)')
    .option('--grant <grant_type>', 'client_credentials, authorization_code or refresh_token (repeatable)', collect, [])
    .option('--api <identifier=scopes>', 'an API this client may call and its comma-separated scopes (repeatable)', collect, [])
    .option('--default-api <identifier>', 'the API tokens are for when a request names none')
    .option('--auth-method <method>', 'client_secret_basic, client_secret_post, private_key_jwt or none', 'client_secret_basic')
    .option('--jwks-file <file>', 'public keys for private_key_jwt (a JWKS JSON file)')
    .option('--jwks-uri <url>', 'where to fetch the public keys for private_key_jwt')
    .option('--redirect-uri <uri>', 'redirect URI (repeatable)', collect, [])
    .option('--post-logout-redirect-uri <uri>', 'post-logout redirect URI (repeatable)', collect, [])
    .option('--first-party', 'a first-party app (consent is skipped)', false)
    .action(async (clientId: string, opts) => {
      const g = globals();
      await withStore(g, async ({ registry, store, audit }) => {
        let jwks: unknown;
        if (opts.jwksFile) {
          try {
            jwks = JSON.parse(readFileSync(opts.jwksFile, 'utf8'));
          } catch (err) {
            throw new CliError(`--jwks-file: cannot read a JWKS from ${opts.jwksFile}: ${(err as Error).message}`, 2);
          }
        }
        const existing = await store.clients.get(clientId);
        const secret = needsSecret(opts.authMethod) && !existing?.secretHash ? generateSecret(PREFIX.clientSecret) : undefined;
        const input = parseWith(clientSchema, {
          client_id: clientId,
          client_name: opts.name,
          client_secret: secret,
          token_endpoint_auth_method: opts.authMethod,
          grant_types: opts.grant.length ? opts.grant : undefined,
          apis: parseApis(opts.api),
          default_api: opts.defaultApi,
          jwks,
          jwks_uri: opts.jwksUri,
          redirect_uris: opts.redirectUri,
          post_logout_redirect_uris: opts.postLogoutRedirectUri,
          first_party: opts.firstParty,
        });
        const saved = await registry.saveClient(input, 'cli');
        audit({ type: 'client.changed', clientId: saved.clientId, details: { action: existing ? 'updated' : 'added' } });
        emit({ json: !!g.json }, { ...view(saved), ...(secret ? { client_secret: secret } : {}) }, () => {
          printRecord(view(saved));
          if (secret) process.stdout.write(`\nclient_secret  ${secret}\n(shown once: store it now; only its hash is kept)\n`);
        });
      });
    });

  client
    .command('list')
    .description('list clients')
    .action(async () => {
      const g = globals();
      await withStore(g, async ({ store }) => {
        const clients = (await store.clients.list()).map(view);
        emit({ json: !!g.json }, clients, () =>
          printTable(
            clients.map((c) => ({ ...c, apis: Object.keys(c.apis) })),
            ['client_id', 'client_name', 'token_endpoint_auth_method', 'grant_types', 'apis'],
          ),
        );
      });
    });

  client
    .command('show <client_id>')
    .description('show one client')
    .action(async (clientId: string) => {
      const g = globals();
      await withStore(g, async ({ store }) => {
        const found = await store.clients.get(clientId);
        if (!found) throw new CliError(`no client "${clientId}"`);
        emit({ json: !!g.json }, view(found), () => printRecord(view(found)));
      });
    });

  client
    .command('remove <client_id>')
    .description('remove a client')
    .action(async (clientId: string) => {
      const g = globals();
      await withStore(g, async ({ store, audit }) => {
        if (!(await store.clients.remove(clientId))) throw new CliError(`no client "${clientId}"`);
        audit({ type: 'client.changed', clientId, details: { action: 'removed' } });
        emit({ json: !!g.json }, { removed: clientId }, () => process.stdout.write(`removed client ${clientId}\n`));
      });
    });

  client
    .command('rotate-secret <client_id>')
    .description('replace a client secret with a new generated one, shown once')
    .action(async (clientId: string) => {
      const g = globals();
      await withStore(g, async ({ store, audit }) => {
        const found = await store.clients.get(clientId);
        if (!found) throw new CliError(`no client "${clientId}"`);
        if (!needsSecret(found.tokenEndpointAuthMethod)) throw new CliError(`client "${clientId}" uses ${found.tokenEndpointAuthMethod}: it has no secret`);
        const secret = generateSecret(PREFIX.clientSecret);
        await store.clients.setSecretHash(clientId, hashSecret(secret), nowSeconds());
        audit({ type: 'client.changed', clientId, details: { action: 'secret rotated' } });
        emit({ json: !!g.json }, { client_id: clientId, client_secret: secret }, () =>
          process.stdout.write(`client_secret  ${secret}\n(shown once: store it now; the old secret no longer works)\n`),
        );
      });
    });
}
