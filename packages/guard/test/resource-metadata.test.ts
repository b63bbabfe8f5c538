import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isResourceMetadataRequest, protectedResourceMetadata, resourceMetadataPath, resourceMetadataUrl } from '../src/index.js';

describe('RFC 9728 protected resource metadata', () => {
  test('builds the document in snake_case with bearer_methods_supported ["header"]', () => {
    assert.deepEqual(
      protectedResourceMetadata({
        resource: 'https://api.example.com/calendar',
        authorizationServers: ['https://id.example.com'],
        scopesSupported: ['read:calendar'],
        resourceName: 'Calendar',
        dpopBoundAccessTokensRequired: false,
      }),
      {
        resource: 'https://api.example.com/calendar',
        authorization_servers: ['https://id.example.com'],
        bearer_methods_supported: ['header'],
        scopes_supported: ['read:calendar'],
        resource_name: 'Calendar',
        dpop_bound_access_tokens_required: false,
      },
    );
  });

  test('serves a resource without a path at the root well-known URL', () => {
    assert.equal(resourceMetadataPath('https://api.example.com'), '/.well-known/oauth-protected-resource');
    assert.equal(resourceMetadataPath('https://api.example.com/'), '/.well-known/oauth-protected-resource');
    assert.equal(resourceMetadataUrl('https://api.example.com:8443'), 'https://api.example.com:8443/.well-known/oauth-protected-resource');
  });

  test('inserts the well-known prefix before the path of a resource with a path', () => {
    assert.equal(resourceMetadataPath('https://example.com/apis/calendar/'), '/.well-known/oauth-protected-resource/apis/calendar');
    assert.equal(resourceMetadataUrl('http://127.0.0.1:3000/calendar'), 'http://127.0.0.1:3000/.well-known/oauth-protected-resource/calendar');
  });

  test('matches requests for the metadata path only', () => {
    const metadata = protectedResourceMetadata({ resource: 'http://127.0.0.1:3000/calendar', authorizationServers: ['http://127.0.0.1:4000'] });
    assert.ok(isResourceMetadataRequest(metadata, '/.well-known/oauth-protected-resource/calendar'));
    assert.ok(isResourceMetadataRequest(metadata, 'http://127.0.0.1:3000/.well-known/oauth-protected-resource/calendar?x=1'));
    assert.ok(!isResourceMetadataRequest(metadata, '/.well-known/oauth-protected-resource'));
    assert.ok(!isResourceMetadataRequest(metadata, '/calendar'));
  });

  test('rejects a resource identifier with a fragment', () => {
    assert.throws(() => protectedResourceMetadata({ resource: 'https://api.example.com/#x', authorizationServers: [] }), /fragment/);
  });
});
