/**
 * The MCP TypeScript SDK's own client, driven as a real MCP client app would drive it: an
 * in-memory OAuthClientProvider, and Chromium for the person's login and consent step.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { BrowserContext } from 'playwright-core';

export interface ProviderOptions {
  redirectUrl: string;
  clientMetadata: OAuthClientMetadata;
  /** A Client ID Metadata Document URL: used as the client_id when the server supports them. */
  clientMetadataUrl?: string;
  /** Pre-registered client information. */
  clientInformation?: OAuthClientInformationMixed;
}

/** Keeps everything in memory; records what the SDK did. */
export class InMemoryOAuthProvider implements OAuthClientProvider {
  readonly clientMetadataUrl: string | undefined;
  /** The last URL the SDK sent the person to. */
  authorizationUrl: URL | undefined;
  readonly registrations: OAuthClientInformationMixed[] = [];
  private info: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier = '';

  constructor(private readonly options: ProviderOptions) {
    this.clientMetadataUrl = options.clientMetadataUrl;
    this.info = options.clientInformation;
  }

  get redirectUrl(): string {
    return this.options.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return this.options.clientMetadata;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.info;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.info = info;
    this.registrations.push(info);
  }

  tokens(): OAuthTokens | undefined {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }
}

export interface Person {
  email: string;
  password: string;
}

export interface BrowserStep {
  code: string;
  /** The consent page's text, as the person saw it ('' when no consent page was shown). */
  consentText: string;
  /** Whether the login page was shown (false when the browser session was still signed in). */
  loggedIn: boolean;
}

/**
 * Opens the authorization URL in Chromium, signs in if asked, allows if asked, and returns
 * the code the redirect to the client carried.
 */
export async function authorizeInBrowser(context: BrowserContext, url: URL, who: Person, callbackPrefix: string): Promise<BrowserStep> {
  const page = await context.newPage();
  try {
    const arrived = page.waitForURL((u) => u.href.startsWith(callbackPrefix), { timeout: 20_000 });
    await page.goto(url.href);
    const allow = page.getByRole('button', { name: /allow/i });
    const shown = async (selector: string) => {
      await Promise.race([page.locator(selector).first().waitFor({ timeout: 15_000 }), arrived]);
      return page.url().startsWith(callbackPrefix) ? false : (await page.locator(selector).count()) > 0;
    };
    let loggedIn = false;
    if (await shown('button[value="allow"], input[name="email"]')) {
      if (await page.locator('input[name="email"]').count()) {
        await page.getByLabel('Email').fill(who.email);
        await page.getByLabel('Password').fill(who.password);
        await page.getByRole('button', { name: /sign in/i }).click();
        loggedIn = true;
      }
    }
    let consentText = '';
    if (await shown('button[value="allow"]')) {
      consentText = await page.locator('main').innerText();
      await allow.click();
    }
    await arrived;
    const redirected = new URL(page.url());
    const code = redirected.searchParams.get('code');
    if (!code) throw new Error(`no code in the redirect: ${redirected.searchParams.get('error')} ${redirected.searchParams.get('error_description')}`);
    return { code, consentText, loggedIn };
  } finally {
    await page.close();
  }
}

export interface Connected {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** The browser step of the first authorization. */
  step: BrowserStep;
}

/**
 * What an MCP client app does: connect, get 401, run the SDK's OAuth flow (discovery,
 * registration or a metadata-document client_id, PKCE, resource), send the person to the
 * browser, finish with the code, and connect again.
 */
export async function connectWithBrowser(mcpUrl: string, provider: InMemoryOAuthProvider, authorize: (url: URL) => Promise<BrowserStep>): Promise<Connected> {
  const first = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
  const probe = new Client({ name: 'lanekeeper-e2e', version: '1.0.0' });
  try {
    await probe.connect(first);
    throw new Error('connected without authorization');
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
  }
  const step = await authorize(provider.authorizationUrl!);
  await first.finishAuth(step.code);
  await first.close();
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
  const client = new Client({ name: 'lanekeeper-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, step };
}

export { UnauthorizedError };
