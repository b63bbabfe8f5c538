import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createGuard, type Guard } from '../src/index.js';
import { decodesWhole, isBase64url, segmentBytes } from '../src/jws.js';
import { messages } from '../src/lanes/index.js';
import { TestIssuer } from './helpers/issuer.js';
import { assertRefused, request } from './helpers/assert.js';

const AUDIENCE = 'https://calendar.example.com';
const malformedAuthorization = { status: 400, code: 'invalid_request', description: messages.malformedAuthorization };
const malformedToken = { status: 401, code: 'invalid_token', description: messages.malformedToken };

/** The token with its three segments passed through `edit`. */
function editSegments(token: string, edit: (segments: [string, string, string]) => [string, string, string]): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  return edit([h, p, s]).join('.');
}

describe("guard: a token's characters (RFC 7235 token68, RFC 7515 base64url)", () => {
  let issuer: TestIssuer;
  let guard: Guard;
  let token: string;

  before(async () => {
    issuer = await TestIssuer.start();
    guard = createGuard({ issuer: issuer.url, audience: AUDIENCE });
    token = await issuer.accessToken(AUDIENCE);
    await guard.verify(request({ token })); // keys in hand, the header known: the fast path
  });
  after(() => issuer.close());

  test('junk after the signature is refused, though base64url decoding would skip it', async () => {
    // "~" is token68 but not base64url; "!" is neither. Both decode to the same signature bytes.
    await assertRefused(guard.verify(request({ token: `${token}~~` })), malformedToken);
    await assertRefused(guard.verify(request({ token: `${token}!` })), malformedAuthorization);
  });

  test('a non-ASCII character is refused, in the payload or the signature', async () => {
    // The character at index 8 is swapped for one 256 above it, which latin1 and Node's base64
    // decoder read as the original (only a Node-style request can carry it), then for U+00E1,
    // which can come through any HTTP header. A fixed place, not the first "a": a segment need
    // not hold any given letter (a signature has no "a" about once in 200 tokens).
    const nodeRequest = (t: string) => ({ method: 'GET', url: '/calendar', headers: { authorization: `Bearer ${t}`, host: 'api.test' } });
    const aliased = (segment: string) => String.fromCharCode(0x100 + segment.charCodeAt(8));
    for (const pick of [aliased, () => '\u00e1']) {
      const put = (segment: string) => `${segment.slice(0, 8)}${pick(segment)}${segment.slice(9)}`;
      const inPayload = editSegments(token, ([h, p, s]) => [h, put(p), s]);
      const inSignature = editSegments(token, ([h, p, s]) => [h, p, put(s)]);
      assert.notEqual(inPayload, token);
      assert.notEqual(inSignature, token);
      if (pick === aliased) assert.equal(Buffer.from(inSignature, 'latin1').toString('latin1'), token, 'latin1 reads the edit as the original');
      await assertRefused(guard.verify(nodeRequest(inPayload)), malformedAuthorization);
      await assertRefused(guard.verify(nodeRequest(inSignature)), malformedAuthorization);
      if (pick !== aliased) await assertRefused(guard.verify(request({ token: inPayload })), malformedAuthorization);
    }
  });

  test('a signature segment with token68 characters that are not base64url is malformed, wherever they stand', async () => {
    const sig = token.split('.')[2]!;
    for (const at of [0, 1, Math.floor(sig.length / 2), sig.length - 2, sig.length - 1]) {
      for (const junk of ['~', '+', '/', '=']) {
        const edited = editSegments(token, ([h, p, s]) => [h, p, `${s.slice(0, at)}${junk}${s.slice(at + 1)}`]);
        if (edited === token) continue;
        // token68 allows "=" only at the end: before that it is not even a token.
        const expected = junk === '=' && at !== sig.length - 1 ? malformedAuthorization : malformedToken;
        await assertRefused(guard.verify(request({ token: edited })), expected);
      }
    }
    // Inserted rather than substituted (two characters, so the length still encodes whole bytes).
    for (const junk of ['~~', '++', '//']) {
      const edited = editSegments(token, ([h, p, s]) => [h, p, `${s.slice(0, 10)}${junk}${s.slice(10)}`]);
      await assertRefused(guard.verify(request({ token: edited })), malformedToken);
    }
    await assertRefused(guard.verify(request({ token: `${token}A=` })), malformedToken);
  });

  test('a signature segment in the base64 alphabet is refused, though it decodes to the same signature', async () => {
    // "+" and "/" are read by Node's decoder as base64's 62 and 63, which base64url writes "-" and "_".
    let signed = token;
    for (let i = 0; i < 50 && !(/[-]/.test(signed.split('.')[2]!) && /_/.test(signed.split('.')[2]!)); i++) {
      signed = await issuer.accessToken(AUDIENCE);
    }
    const sig = signed.split('.')[2]!;
    assert.ok(sig.includes('-') && sig.includes('_'), 'a signature with both - and _');
    assert.equal((await guard.verify(request({ token: signed }))).sub, 'user_7Hq2');
    for (const [from, to] of [['-', '+'], ['_', '/']] as const) {
      const edited = editSegments(signed, ([h, p, s]) => [h, p, s.replace(from, to)]);
      assert.deepEqual(segmentBytes(edited.split('.')[2]!), segmentBytes(sig));
      await assertRefused(guard.verify(request({ token: edited })), malformedToken);
    }
  });

  test('a bad signature segment fetches no keys, even for an unknown kid', async () => {
    const unknownKid = await issuer.accessToken(AUDIENCE, { header: { kid: 'another-kid-nobody-published' } });
    const edited = editSegments(unknownKid, ([h, p, s]) => [h, p, `~${s.slice(1)}`]);
    const before = guard.stats();
    await assertRefused(guard.verify(request({ token: edited })), malformedToken);
    assert.equal(guard.stats().jwksFetches, before.jwksFetches);
  });

  test('decodesWhole agrees with the base64url alphabet for ASCII text, whatever character is changed or added', () => {
    const segment = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 151 + 7) % 256)).toString('base64url');
    let compared = 0;
    for (const at of [0, 1, 2, 3, 170, segment.length - 2, segment.length - 1]) {
      for (let code = 0; code < 0x80; code++) {
        const char = String.fromCharCode(code);
        for (const edited of [`${segment.slice(0, at)}${char}${segment.slice(at + 1)}`, `${segment.slice(0, at)}${char}${char}${segment.slice(at)}`]) {
          assert.equal(decodesWhole(edited, segmentBytes(edited)), isBase64url(edited), `${JSON.stringify(char)} at ${at}`);
          compared++;
        }
      }
    }
    assert.equal(compared, 7 * 128 * 2);
  });

  test('a payload with token68 characters that are not base64url is malformed, not forged', async () => {
    const tilde = editSegments(token, ([h, p, s]) => [h, `${p.slice(0, 8)}~${p.slice(9)}`, s]);
    await assertRefused(guard.verify(request({ token: tilde })), malformedToken);
    const plus = editSegments(token, ([h, p, s]) => [h, `${p.slice(0, 8)}+${p.slice(9)}`, s]);
    await assertRefused(guard.verify(request({ token: plus })), malformedToken);
  });

  test('an issuer that signs a payload segment that is not base64url is refused', async () => {
    for (const junk of ['~', '+', '/']) {
      const payload = Buffer.from(JSON.stringify({ iss: issuer.url, aud: AUDIENCE, sub: 'user_7Hq2', client_id: 'todo-web', exp: Math.floor(Date.now() / 1000) + 600, scope: 'read:calendar' })).toString('base64url');
      const bad = await issuer.signRaw(`${payload.slice(0, 8)}${junk}${payload.slice(9)}`, { typ: 'at+jwt' });
      await assertRefused(guard.verify(request({ token: bad })), malformedToken);
    }
  });

  test('two tokens in one header are "multiple", whichever part fails first', async () => {
    await assertRefused(guard.verify(request({ headers: { authorization: `Bearer ${token}, Bearer ${token}` } })), {
      status: 400,
      code: 'invalid_request',
      description: messages.multipleTokens,
    });
  });

  test('a token that is not token68 fetches no keys and reaches no introspection endpoint', async () => {
    const introspecting = createGuard({
      issuer: issuer.url,
      audience: AUDIENCE,
      introspection: { endpoint: 'http://127.0.0.1:9/introspect', clientId: 'calendar-api', clientSecret: 'secret-never-sent' },
    });
    await introspecting.ready();
    const unknownKid = await issuer.accessToken(AUDIENCE, { header: { kid: 'a-kid-nobody-published' } });
    const before = introspecting.stats();
    await assertRefused(introspecting.verify(request({ token: `${unknownKid}!` })), malformedAuthorization);
    await assertRefused(introspecting.verify(request({ token: 'lk_at_opaque!value' })), malformedAuthorization);
    const after = introspecting.stats();
    assert.equal(after.jwksFetches, before.jwksFetches);
    assert.equal(after.introspectionRequests, before.introspectionRequests);
  });

  test('the untouched token still passes', async () => {
    assert.equal((await guard.verify(request({ token }))).sub, 'user_7Hq2');
  });
});
