import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatChallenge } from '../src/index.js';

describe('WWW-Authenticate challenges (RFC 6750 §3, RFC 9449 §7.1, RFC 9728 §5.1)', () => {
  test('a bare Bearer challenge has no parameters', () => {
    assert.equal(formatChallenge({ scheme: 'Bearer' }), 'Bearer');
  });

  test('escapes quotes and backslashes in the description', () => {
    assert.equal(
      formatChallenge({ scheme: 'Bearer', error: 'invalid_token', description: 'say "hi" \\ bye' }),
      'Bearer error="invalid_token", error_description="say \\"hi\\" \\\\ bye"',
    );
  });

  test('replaces control and non-ASCII characters so the header stays valid', () => {
    assert.equal(formatChallenge({ scheme: 'Bearer', error: 'invalid_token', description: 'a\r\nb\u00e9' }), 'Bearer error="invalid_token", error_description="a??b?"');
  });

  test('omits the description when there is no error code', () => {
    assert.equal(formatChallenge({ scheme: 'Bearer', realm: 'api', description: 'ignored' }), 'Bearer realm="api"');
  });

  test('a DPoP challenge lists algs; scope and resource_metadata come last', () => {
    assert.equal(
      formatChallenge({ scheme: 'DPoP', realm: 'api', algs: ['ES256', 'RS256'], error: 'insufficient_scope', description: 'd', scope: 'a b', resourceMetadata: 'https://x/.well-known/oauth-protected-resource' }),
      'DPoP realm="api", algs="ES256 RS256", error="insufficient_scope", error_description="d", scope="a b", resource_metadata="https://x/.well-known/oauth-protected-resource"',
    );
  });
});
