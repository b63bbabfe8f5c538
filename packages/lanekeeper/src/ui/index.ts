/**
 * Server-rendered pages: login, consent, logout, errors. Preact renders every value
 * escaped; the pages carry no JavaScript, and pageCsp() is the policy to send with them.
 */
export { DEFAULT_BRANDING, type Branding } from './branding.js';
export { pageCsp } from './csp.js';
export { renderLoginPage, type LoginPageProps } from './login.js';
export { renderConsentPage, type ConsentPageProps, type ConsentApi, type ConsentProfileItem } from './consent.js';
export { renderLogoutPage, renderLoggedOutPage, type LogoutPageProps, type LoggedOutPageProps } from './logout.js';
export { renderErrorPage, type ErrorPageProps } from './error.js';
export { renderAccountPage, type AccountPageProps, type AccountApp } from './account.js';
