import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchRedirectUri } from '../src/oauth/redirect-uri.js';

const NATIVE = ['http://127.0.0.1/callback', 'http://[::1]/cb', 'https://app.example.com/cb'];

describe('redirect_uri matching', () => {
  test('a registered URI matches exactly, for any client', () => {
    for (const isPublic of [true, false]) {
      for (const uri of NATIVE) assert.equal(matchRedirectUri(uri, NATIVE, isPublic), true, uri);
    }
  });

  test('a public native client may use any port on its loopback redirect (RFC 8252 §7.3)', () => {
    assert.equal(matchRedirectUri('http://127.0.0.1:53123/callback', NATIVE, true), true);
    assert.equal(matchRedirectUri('http://[::1]:8080/cb', NATIVE, true), true);
  });

  test('a confidential client gets no port exception', () => {
    assert.equal(matchRedirectUri('http://127.0.0.1:53123/callback', NATIVE, false), false);
  });

  test('only the port may vary: path, query, host, scheme and user info must match', () => {
    for (const uri of [
      'http://127.0.0.1:53123/callback/extra',
      'http://127.0.0.1:53123/other',
      'http://127.0.0.1:53123/callback?x=1',
      'http://localhost:53123/callback',
      'http://127.0.0.2:53123/callback',
      'https://127.0.0.1:53123/callback',
      'http://user:pw@127.0.0.1:53123/callback',
      'http://[::1]:53123/callback',
    ]) {
      assert.equal(matchRedirectUri(uri, NATIVE, true), false, uri);
    }
  });

  test('a non-loopback redirect never varies its port, even for a public client', () => {
    assert.equal(matchRedirectUri('https://app.example.com:8443/cb', NATIVE, true), false);
    assert.equal(matchRedirectUri('http://app.example.com/cb', ['http://app.example.com:8080/cb'], true), false);
  });

  test('garbage is no match', () => {
    for (const uri of ['', 'not a url', 'http://', 'javascript:alert(1)']) assert.equal(matchRedirectUri(uri, NATIVE, true), false, uri);
  });
});
