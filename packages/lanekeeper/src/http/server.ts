import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { sql } from 'kysely';
import type { Config } from '../config/load.js';
import { openStore, type Store } from '../store/index.js';
import { Keyring } from '../keys/keyring.js';
import { Registry } from '../clients/registry.js';
import type { OAuthContext } from '../oauth/context.js';
import { buildApp } from './app.js';
import { createLogger } from './logger.js';
import { ID_TOKEN_TTL } from '../tokens/lifetimes.js';
import { UserDirectory } from '../users/directory.js';
import type { LanekeeperHooks } from '../tokens/hooks.js';
import { DEFAULT_BRANDING } from '../ui/index.js';
import { importConfig } from './import-config.js';
import { loadHooks } from './load-hooks.js';
import { DpopNonces } from '../dpop/nonce.js';
import { AuditTrail } from '../audit/trail.js';
import { Sweeper } from '../maintenance/sweep.js';
import { createMetrics } from './metrics.js';
import { BackchannelSender } from '../maintenance/backchannel-sender.js';
import { accountCallbackUrl } from './routes/account.js';
import { dynamicRegistration, metadataDocumentResolver } from './client-sources.js';
import type { FetchDeps } from '../clients/safe-fetch.js';

export interface RunningServer {
  app: FastifyInstance;
  /** The URL the server listens on. */
  url: string;
  issuer: string;
  store: Store;
  keys: Keyring;
  registry: Registry;
  logger: Logger;
  audit: AuditTrail;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Where logs go (default stdout). */
  logDestination?: DestinationStream;
  logger?: Logger;
  /** Custom-claim hooks given in code (otherwise loaded from the config's `hooks` module). */
  hooks?: LanekeeperHooks;
  /** How documents clients point at are fetched (tests inject the resolver and the connect step). */
  clientFetch?: Partial<FetchDeps>;
}

/** The longest-lived token any key signs, so a previous key stays published long enough. */
async function maxTokenTtl(store: Store, config: Config): Promise<number> {
  const apis = await store.apis.list();
  return Math.max(config.access_token_ttl, ID_TOKEN_TTL, ...apis.map((a) => a.accessTokenTtl));
}

/** Opens the store, imports the config's APIs and clients, loads keys and listens. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.log_level, options.logDestination);
  const store = await openStore(config.database);
  try {
    const registry = new Registry(store);
    const metadataDocuments = metadataDocumentResolver(config, store, options.clientFetch);
    let boundIssuer: string | undefined = config.issuer;
    const registration = dynamicRegistration(config, store, registry, () => `${boundIssuer ?? 'http://127.0.0.1'}/register`);
    registry.useClientSources({ ...(metadataDocuments ? { metadataDocuments } : {}), dynamic: (stored) => registration.complete(stored) });
    const users = new UserDirectory(store);
    await importConfig(config, registry, users, store);
    const hooks = options.hooks ?? (config.hooks ? await loadHooks(config.hooks, config.configFile) : {});
    for (const api of await store.apis.list()) {
      if (!config.keys.algorithms.includes(api.signingAlg as never)) {
        throw new Error(`api ${api.identifier}: signing_alg ${api.signingAlg} is not among keys.algorithms (${config.keys.algorithms.join(', ')})`);
      }
    }
    const keys = new Keyring(store, config.secret, {
      algorithms: config.keys.algorithms,
      pollInterval: config.keys.poll_interval,
      maxTokenTtl: () => maxTokenTtl(store, config),
    });
    await keys.init();

    const audit = new AuditTrail(store, { onError: (err) => logger.error({ err }, 'audit events could not be written') });
    const oauth: OAuthContext = {
      issuer: () => boundIssuer ?? 'http://127.0.0.1',
      store,
      keys,
      registry,
      users,
      hooks,
      accessTokenTtl: config.access_token_ttl,
      lifetimes: config.lifetimes,
      sessionTtl: config.session.absolute,
      sessionIdle: config.session.idle,
      login: { maxFailures: config.login.max_failures, maxFailuresPerIp: config.login.max_failures_per_ip, window: config.login.window },
      tokenRateLimit: { limit: config.rate_limits.token_per_client, window: config.rate_limits.window },
      dpop: { iatWindow: config.dpop.iat_window, requireNonce: config.dpop.require_nonce, nonces: new DpopNonces(config.secret) },
      audit,
    };
    const issuerPath = config.issuer ? new URL(config.issuer).pathname.replace(/\/$/, '') : '';
    const ping = async () => {
      await sql`select 1`.execute(store.db.kysely);
    };
    const https = (config.issuer ?? '').startsWith('https://');
    const metrics = config.metrics.enabled ? createMetrics(audit, store) : undefined;
    const branding = {
      productName: config.branding.product_name,
      primaryColor: config.branding.primary_color ?? DEFAULT_BRANDING.primaryColor,
      ...(config.branding.logo_url ? { logoUrl: config.branding.logo_url } : {}),
    };
    const app = buildApp({ oauth, issuerPath, ping, branding, cimdRateLimitPerIp: config.client_id_metadata_documents.rate_limit_per_ip, cookies: { secure: https, sessionTtl: config.session.absolute }, ...(config.dynamic_registration.enabled ? { registration } : {}) }, logger, {
      https,
      trustProxy: config.trust_proxy,
      cors: config.cors,
      ...(metrics ? { metrics: { metrics, token: config.metrics.token } } : {}),
    });
    // Counted so a shutdown can show that every request it accepted was answered.
    const traffic = { received: 0, answered: 0 };
    app.addHook('onRequest', (_request, _reply, done) => {
      traffic.received++;
      done();
    });
    app.addHook('onResponse', (_request, _reply, done) => {
      traffic.answered++;
      done();
    });
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
    boundIssuer ??= `http://127.0.0.1:${address.port}`;
    registry.enableAccountClient(accountCallbackUrl(boundIssuer));
    keys.startPolling((err) => logger.warn({ err }, 'key refresh failed'));
    const sender = new BackchannelSender(store, keys, { issuer: () => boundIssuer!, onError: (err) => logger.warn({ err }, 'back-channel logout delivery failed') });
    sender.start();
    const sweeper = new Sweeper(store, { eventRetentionDays: config.maintenance.event_retention_days });
    if (config.maintenance.sweep_interval > 0) sweeper.start(config.maintenance.sweep_interval, (err) => logger.warn({ err }, 'sweep failed'));
    for (const w of config.warnings) logger.warn(w);
    logger.info({ issuer: boundIssuer, url, database: config.database.startsWith('sqlite:') ? 'sqlite' : 'postgres' }, 'lanekeeper listening');
    return {
      app,
      url,
      issuer: boundIssuer,
      store,
      keys,
      registry,
      logger,
      audit,
      async close() {
        keys.stopPolling();
        sweeper.stop();
        await sender.stop();
        // Stops accepting, answers requests already received (503 to new ones on open connections), then resolves.
        await app.close();
        logger.info(traffic, 'drained');
        await audit.flush();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
