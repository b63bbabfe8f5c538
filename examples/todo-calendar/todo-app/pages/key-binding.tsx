/** @jsxRuntime automatic */
/** @jsxImportSource preact */
// The token-lanes page's card on DPoP: which key the access token is bound to, and why a copy is useless.

export interface KeyBindingProps {
  /** The access token's cnf.jkt, if it is bound. */
  boundTo?: string;
  /** The thumbprint of this session's own DPoP key, if DPoP is on. */
  appKey?: string;
}

export function KeyBinding({ boundTo, appKey }: KeyBindingProps) {
  if (!boundTo) {
    return (
      <section class="card" id="key-binding" aria-labelledby="key-heading">
        <h2 id="key-heading">Not bound to any key</h2>
        <p>
          This access token has no <code>cnf</code> claim: it is a plain <strong>bearer</strong> token, and whoever holds a copy
          can use it until it expires. {appKey ? '' : 'DPoP is off for this app (TODO_DPOP=0); start the demo without it to bind the tokens to a key.'}
        </p>
      </section>
    );
  }
  const same = appKey === boundTo;
  return (
    <section class="card" id="key-binding" aria-labelledby="key-heading">
      <h2 id="key-heading">DPoP: the access token is bound to this app's key</h2>
      <p class="lead">
        This token is bound to a key only this app holds: a copy is useless without the key.
      </p>
      <p>
        When you signed in, the app made a key pair for your session and sent a DPoP proof (RFC 9449) with its token request,
        so Lanekeeper wrote the public key's thumbprint into the access token as <code>cnf.jkt</code>. The private key never
        leaves the app's server. On every call the app signs a fresh proof: a small JWT naming the method, the URL, the time,
        a one-time id and the token's hash. The calendar API checks that the proof's key has the thumbprint in{' '}
        <code>cnf.jkt</code>, and refuses the token without one.
      </p>
      <dl class="key-facts">
        <dt>
          <code>cnf.jkt</code> in the access token
        </dt>
        <dd>
          <code id="cnf-jkt">{boundTo}</code>
        </dd>
        <dt>This session's key (its thumbprint)</dt>
        <dd>
          <code>{appKey ?? 'none'}</code>
          <span class={`match ${same ? 'same' : 'differs'}`}>{same ? 'the same key' : 'a different key'}</span>
        </dd>
      </dl>
    </section>
  );
}
