import type { OAuthContext } from '../oauth/context.js';
import type { Branding } from '../ui/index.js';
import type { CookiePolicy } from './cookies.js';
import type { DynamicRegistration } from '../clients/dynamic-registration.js';

/** What the routes are given: the protocol context and little else. */
export interface HttpDeps {
  oauth: OAuthContext;
  /** Path of the issuer URL ('' for an issuer at the root): routes are mounted under it. */
  issuerPath: string;
  /** Reports whether the store answers, for health checks. */
  ping(): Promise<void>;
  branding: Branding;
  /** Authorization requests with a URL client_id (a Client ID Metadata Document) per IP per minute. */
  cimdRateLimitPerIp: number;
  cookies: CookiePolicy;
  /** RFC 7591 dynamic client registration, when it is on. */
  registration?: DynamicRegistration;
}
