// DPoP proofs (RFC 9449 §4.2) for the load generator: one client key, a fresh proof (new jti,
// current iat) for every request, signed with node:crypto.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export function dpopProver() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })).toString('base64url');
  return (htm, htu) => {
    const payload = Buffer.from(JSON.stringify({ jti: randomBytes(16).toString('base64url'), htm, htu, iat: Math.floor(Date.now() / 1000) })).toString('base64url');
    const input = `${header}.${payload}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
}
