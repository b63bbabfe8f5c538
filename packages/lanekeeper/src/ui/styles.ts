/**
 * The pages' CSS. BASE_CSS is static (its CSP hash is computed once, at load); the
 * branding colours reach it only through the custom properties that brandCss() sets
 * from already-validated `#rrggbb` values. BASE_CSS falls back to the default colours
 * if the brand rule is missing, so a page still looks right under a CSP that lacks it.
 */
import type { ResolvedBranding } from './branding.js';

export const BASE_CSS = [
  '*,*::before,*::after{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%;text-size-adjust:100%;color-scheme:light}',
  'body{margin:0;min-height:100vh;padding:48px 16px;background:#f3f4f6;color:#1d2433;',
  'font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Noto Sans","Liberation Sans",Arial,sans-serif}',
  'main{display:block;width:100%;max-width:420px;margin:0 auto;padding:32px;background:#fff;',
  'border:1px solid #dde1e7;border-radius:12px;box-shadow:0 1px 2px rgba(16,24,40,.04),0 8px 24px rgba(16,24,40,.06);',
  'overflow-wrap:anywhere}',
  '.brand{display:flex;align-items:center;gap:10px;margin:0 0 24px;font-weight:600;color:#3a4254}',
  '.brand img{display:block;height:32px;width:auto;max-width:140px;object-fit:contain}',
  '.mark{display:inline-flex;align-items:center;justify-content:center;flex:none;width:32px;height:32px;',
  'border-radius:8px;background:var(--lk-primary,#1f5fbf);color:var(--lk-on-primary,#fff);font-weight:700;line-height:1}',
  'main>:last-child{margin-bottom:0}',
  'h1{margin:0 0 8px;font-size:1.5rem;line-height:1.3;font-weight:650;color:#111827;letter-spacing:-.01em}',
  'h2{margin:0 0 6px;font-size:1rem;line-height:1.4;font-weight:600;color:#111827}',
  'p{margin:0 0 16px}',
  '.lead{color:#4a5263}',
  '.muted{color:#596273;font-size:.875rem}',
  'a{color:var(--lk-accent,#1f5fbf);text-underline-offset:2px}',
  ':focus-visible{outline:3px solid var(--lk-accent,#1f5fbf);outline-offset:2px}',
  'code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.8125rem}',
  '.alert{margin:0 0 20px;padding:10px 12px;border:1px solid #f1b5b5;border-left:4px solid #c02626;',
  'border-radius:8px;background:#fdf2f2;color:#8b1a1a}',
  '.field{margin:0 0 16px}',
  'label{display:block;margin:0 0 6px;font-weight:600;font-size:.9375rem}',
  'input{display:block;width:100%;min-height:44px;padding:10px 12px;font:inherit;color:inherit;',
  'background:#fff;border:1px solid #6b7280;border-radius:8px}',
  'input:focus-visible{outline-offset:1px;border-color:var(--lk-accent,#1f5fbf)}',
  '.btn{display:flex;align-items:center;justify-content:center;width:100%;min-height:44px;margin:0;',
  'padding:10px 16px;font:inherit;font-weight:600;line-height:1.25;border:1px solid transparent;',
  'border-radius:8px;cursor:pointer}',
  '.btn-primary{background-color:var(--lk-primary,#1f5fbf);color:var(--lk-on-primary,#fff);',
  'border-color:var(--lk-accent,#1f5fbf)}',
  '.btn-primary:hover{background-image:linear-gradient(var(--lk-hover,rgba(0,0,0,.12)),var(--lk-hover,rgba(0,0,0,.12)))}',
  '.btn-secondary{background:#fff;color:#1d2433;border-color:#6b7280}',
  '.btn-secondary:hover{background:#f3f4f6}',
  'form{margin:0}',
  '.form-actions{margin-top:24px}',
  '.choices{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin-top:24px}',
  '.account{display:flex;flex-wrap:wrap;gap:4px 6px;align-items:baseline;margin:0 0 20px;padding:10px 12px;',
  'background:#f6f7f9;border:1px solid #e3e6eb;border-radius:8px;font-size:.9375rem}',
  '.account strong{font-weight:600}',
  '.asks{margin:0 0 4px;padding:16px 0 0;border-top:1px solid #e3e6eb}',
  '.ask{margin:0 0 16px}',
  '.ask ul{margin:0;padding:0 0 0 20px}',
  '.ask li{margin:0 0 6px}',
  '.ask li::marker{color:var(--lk-accent,#1f5fbf)}',
  '.ask .mono{display:block;color:#596273}',
  '.ask .api-id{margin:-4px 0 8px}',
  '.error-code{margin:20px 0 0;color:#596273;font-size:.8125rem}',
  'h3{margin:0 0 2px;font-size:1rem;line-height:1.4;font-weight:600;color:#111827}',
  '.app{margin:0 0 20px;padding:0 0 20px;border-bottom:1px solid #e3e6eb}',
  '.app ul{margin:0 0 12px;padding:0 0 0 20px}',
  '.app .muted{margin:0 0 8px}',
  '.notice{margin:0 0 20px;padding:10px 12px;border:1px solid #b7dfc4;border-left:4px solid #1f7a3f;border-radius:8px;background:#f0faf3;color:#14532d}',
  '.fine{margin:20px 0 0;color:#596273;font-size:.8125rem}',
  '.client-id{display:flex;gap:12px;align-items:flex-start;margin:0 0 16px;padding:10px 12px;border:1px solid #e6cf8f;',
  'border-left:4px solid #9a6700;border-radius:8px;background:#fffbeb}',
  '.client-id img{display:block;flex:none;width:40px;height:40px;object-fit:contain;border-radius:8px}',
  '.client-host{margin:0 0 2px;font-weight:700;font-size:1.0625rem;color:#111827}',
  '.client-id .muted{margin:0}',
  '.host-name{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.9em}',
  '@media (max-width:480px){body{padding:16px 12px}main{padding:24px 20px}h1{font-size:1.375rem}}',
].join('');

/** The one rule that carries the branding colours; inputs are `#rrggbb` only. */
export function brandCss(b: ResolvedBranding): string {
  const hex = /^#[0-9a-f]{6}$/;
  for (const c of [b.primary, b.onPrimary, b.accent]) {
    if (!hex.test(c)) throw new TypeError('brandCss: colours must be resolved #rrggbb values');
  }
  const hover = b.onPrimary === '#ffffff' ? 'rgba(0,0,0,.12)' : 'rgba(255,255,255,.25)';
  return `:root{--lk-primary:${b.primary};--lk-on-primary:${b.onPrimary};--lk-accent:${b.accent};--lk-hover:${hover}}`;
}
