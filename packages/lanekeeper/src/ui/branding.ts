/** Deployment branding: validated once per render, never passed to CSS unchecked. */
import { darkenToContrast, normalizeHex, readableTextOn } from './colour.js';

export interface Branding {
  productName: string;
  /** https: URL, same-origin path (`/logo.svg`) or `data:image/…` URL; anything else is ignored. */
  logoUrl?: string;
  /** CSS hex colour like `#3b5bdb`; anything else falls back to the default. */
  primaryColor: string;
}

/** Lanekeeper blue: 6.1:1 on white, white text on it 6.1:1. */
export const DEFAULT_BRANDING: Branding = Object.freeze({ productName: 'Lanekeeper', primaryColor: '#1f5fbf' });

/** Branding after validation, with the derived colours every page needs. */
export interface ResolvedBranding {
  productName: string;
  logoUrl: string | undefined;
  /** Button background, `#rrggbb`. */
  primary: string;
  /** Text on the primary colour: black or white, whichever contrasts more. */
  onPrimary: '#000000' | '#ffffff';
  /** Primary (or a darker shade of it) reaching 4.5:1 on white: links, focus ring, button border. */
  accent: string;
}

const MAX_NAME = 80;
const DATA_IMAGE = /^data:image\/(?:png|gif|jpeg|webp|avif|svg\+xml)[;,]/i;

function safeLogoUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  const u = url.trim();
  if (DATA_IMAGE.test(u)) return u;
  if (u.startsWith('/') && !u.startsWith('//') && !u.includes('\\')) return u;
  try {
    return new URL(u).protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

export function resolveBranding(branding: Partial<Branding> | undefined): ResolvedBranding {
  const name = typeof branding?.productName === 'string' ? branding.productName.trim().slice(0, MAX_NAME) : '';
  const primary = normalizeHex(branding?.primaryColor) ?? (normalizeHex(DEFAULT_BRANDING.primaryColor) as string);
  return {
    productName: name || DEFAULT_BRANDING.productName,
    logoUrl: safeLogoUrl(branding?.logoUrl),
    primary,
    onPrimary: readableTextOn(primary),
    accent: darkenToContrast(primary, '#ffffff', 4.5),
  };
}
