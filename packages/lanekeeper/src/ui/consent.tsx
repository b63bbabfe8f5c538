/** @jsxRuntime automatic */
/** @jsxImportSource preact */
import type { ComponentChildren } from 'preact';
import { resolveBranding, type Branding } from './branding.js';
import { CsrfField, renderDocument } from './layout.js';

export interface ConsentApi {
  name: string;
  identifier: string;
  scopes: { name: string; description: string }[];
}

export interface ConsentProfileItem {
  group: 'openid' | 'profile' | 'email' | 'address' | 'phone';
  /** The identity data, in words ("Your name and profile picture"). */
  description: string;
}

export interface ConsentPageProps {
  branding: Branding;
  action: string;
  csrfToken: string;
  interaction: string;
  clientName: string;
  /** The app's home page; shown (as its host) only when it is an http(s) URL. */
  clientUri?: string;
  userEmail: string;
  apis: ConsentApi[];
  profile: ConsentProfileItem[];
  /** The app asks to stay signed in (a refresh token). */
  offlineAccess: boolean;
  /**
   * The host of the URL an app identified itself by (a Client ID Metadata Document): shown
   * prominently, since the app's name and logo are its own unverified claims.
   */
  clientHost?: string;
  /** The app's self-asserted logo (https only). */
  logoUri?: string;
}

function webUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function Ask({ id, heading, sub, children }: { id: string; heading: string; sub?: string; children: ComponentChildren }) {
  return (
    <section class="ask" aria-labelledby={id}>
      <h2 id={id}>{heading}</h2>
      {sub ? <p class="mono api-id">{sub}</p> : null}
      <ul>{children}</ul>
    </section>
  );
}

function Item({ text, technical }: { text: string; technical: string }) {
  return (
    <li>
      {text || technical}
      {text ? (
        <>
          {' '}
          <span class="mono">{technical}</span>
        </>
      ) : null}
    </li>
  );
}

export function renderConsentPage(p: ConsentPageProps): string {
  const branding = resolveBranding(p.branding);
  const home = webUrl(p.clientUri);
  const logo = webUrl(p.logoUri)?.protocol === 'https:' ? webUrl(p.logoUri) : undefined;
  const nothingAsked = p.profile.length === 0 && p.apis.length === 0 && !p.offlineAccess;
  return renderDocument({
    branding,
    title: `Allow ${p.clientName}?`,
    children: (
      <>
        <h1>
          <strong>{p.clientName}</strong>
          {p.clientHost ? (
            <>
              {' '}
              from <strong class="host-name">{p.clientHost}</strong>
            </>
          ) : null}{' '}
          wants to access your {branding.productName} account
        </h1>
        {p.clientHost ? (
          <div class="client-id">
            {logo ? <img src={logo.href} alt="" width={40} height={40} /> : null}
            <div>
              <p class="client-host">{p.clientHost}</p>
              <p class="muted">
                This app is published at {p.clientHost}. Its name{logo ? ' and logo are' : ' is'} its own claim: allow it only if you expected an app from{' '}
                {p.clientHost}.
              </p>
            </div>
          </div>
        ) : null}
        {home ? (
          <p class="muted">
            <a href={home.href} rel="noopener noreferrer">
              {home.host}
            </a>
          </p>
        ) : null}
        <p class="account">
          <span>Signed in as</span> <strong>{p.userEmail}</strong>
        </p>
        <div class="asks">
          {nothingAsked ? (
            <p>It asks for no access beyond confirming that you signed in.</p>
          ) : (
            <p>
              This will allow <strong>{p.clientName}</strong> to:
            </p>
          )}
          {p.profile.length > 0 ? (
            <Ask id="ask-profile" heading="Know who you are">
              {p.profile.map((item) => (
                <Item text={item.description} technical={item.group} />
              ))}
            </Ask>
          ) : null}
          {p.apis.map((api, i) => (
            <Ask id={`ask-api-${i}`} heading={`Use ${api.name} on your behalf`} sub={api.identifier}>
              {api.scopes.length > 0 ? (
                api.scopes.map((scope) => <Item text={scope.description} technical={scope.name} />)
              ) : (
                <li>Basic access</li>
              )}
            </Ask>
          ))}
          {p.offlineAccess ? (
            <Ask id="ask-offline" heading="Stay signed in">
              <Item
                text={`Keep this access while you are not using ${p.clientName}, until you sign out of it or remove its access`}
                technical="offline_access"
              />
            </Ask>
          ) : null}
        </div>
        <form method="post" action={p.action}>
          <CsrfField token={p.csrfToken} />
          <input type="hidden" name="interaction" value={p.interaction} />
          <div class="choices">
            <button class="btn btn-secondary" type="submit" name="decision" value="deny">
              Deny
            </button>
            <button class="btn btn-primary" type="submit" name="decision" value="allow">
              Allow
            </button>
          </div>
        </form>
        <p class="fine">
          Allow only if you trust {p.clientName}. {branding.productName} never shares your password with it.
        </p>
      </>
    ),
  });
}
