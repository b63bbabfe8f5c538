/** The static files: the stylesheet and the demo users' pictures. */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { APP_CSS } from './pages/styles.js';

const AVATARS = new Set(['alice.svg', 'bob.svg']);
const avatarDir = new URL('./static/avatars/', import.meta.url);

export function registerAssets(app: FastifyInstance): void {
  app.get('/assets/app.css', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').type('text/css; charset=utf-8').send(APP_CSS),
  );
  app.get<{ Params: { file: string } }>('/avatars/:file', async (request, reply) => {
    if (!AVATARS.has(request.params.file)) return reply.code(404).type('text/plain').send('not found');
    const svg = readFileSync(new URL(request.params.file, avatarDir));
    return reply.header('cache-control', 'public, max-age=3600').type('image/svg+xml').send(svg);
  });
}
