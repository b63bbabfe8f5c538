import { baseConfig, CALENDAR, CONTACTS } from './server.js';

export const ALICE = { email: 'alice@example.com', password: 'correct horse battery staple' };
export const BOB = { email: 'bob@example.com', password: 'bob-password-1234' };
export const WEB_SECRET = 'todo-web-secret-0123456789';
export const WEB_REDIRECT = 'https://todo.example.com/callback';
export const SPA_REDIRECT = 'http://127.0.0.1/callback';

/** baseConfig plus users, roles and browser clients: a third-party web app, a public SPA, a first-party app. */
export function browserConfig(): Record<string, unknown> {
  const config = baseConfig();
  config.roles = [{ name: 'calendar-reader', permissions: { [CALENDAR]: ['read:calendar'] } }];
  config.users = [
    {
      email: ALICE.email,
      password: ALICE.password,
      email_verified: true,
      name: 'Alice Example',
      given_name: 'Alice',
      family_name: 'Example',
      picture: 'https://images.example.com/alice.png',
      address: { locality: 'Lisbon', country: 'PT' },
      phone_number: '+351 000 000 000',
      permissions: { [CALENDAR]: ['write:calendar'] },
      roles: ['calendar-reader'],
    },
    { email: BOB.email, password: BOB.password, name: 'Bob', roles: ['calendar-reader'] },
  ];
  (config.clients as unknown[]).push(
    {
      client_id: 'todo-web',
      client_name: 'To-do web app',
      client_secret: WEB_SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [WEB_REDIRECT],
      post_logout_redirect_uris: ['https://todo.example.com/bye'],
      apis: { [CALENDAR]: ['read:calendar', 'write:calendar', 'admin:calendar'], [CONTACTS]: ['read:contacts'] },
    },
    {
      client_id: 'todo-spa',
      client_name: 'To-do SPA',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [SPA_REDIRECT],
      apis: { [CALENDAR]: ['read:calendar'] },
      id_token_signed_response_alg: 'ES256',
    },
    {
      client_id: 'portal',
      client_name: 'Company portal',
      client_secret: 'portal-secret-0123456789',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['https://portal.example.com/cb'],
      first_party: true,
      default_api: CALENDAR,
      apis: { [CALENDAR]: ['read:calendar'] },
    },
  );
  return config;
}
