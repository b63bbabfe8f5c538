// The peer: panva's oidc-provider (in-memory adapter), configured for the same machine
// client and the same three APIs: client credentials, introspection, and resource
// indicators returning JWT (ES256 or RS256) or opaque access tokens.
import http from 'node:http';
import Provider from 'oidc-provider';
import { API, MACHINE_CLIENT, INTROSPECTION_CLIENT, benchSecrets } from '../lib/setup.mjs';

const s = benchSecrets();
const SERVERS = {
  [API.es256]: { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } },
  [API.rs256]: { accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } },
  [API.opaque]: { accessTokenFormat: 'opaque' },
};

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    { client_id: MACHINE_CLIENT, client_secret: s.machine, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic' },
    // The API's own credentials, for introspection.
    { client_id: INTROSPECTION_CLIENT, client_secret: s.introspection, grant_types: [], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic' },
  ],
  jwks: { keys: [s.es256, s.rs256] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => API.es256,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        const info = SERVERS[resource];
        if (!info) throw new Provider.errors.InvalidTarget();
        return { scope: 'read write', audience: resource, accessTokenTTL: 600, ...info };
      },
    },
  },
});
provider.on('server_error', (_ctx, err) => console.error(err));
server.on('request', provider.callback());
process.send({ ready: true, url: issuer, issuer });
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('disconnect', stop);
