// A tiny HTTP server for rendered pages (each with its CSP header) and a Chromium launcher.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.LANEKEEPER_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface Served {
  html: string;
  csp: string;
}

export interface Posted {
  path: string;
  fields: Record<string, string>;
}

export interface PageServer {
  url: string;
  /** Form posts received, in order. */
  posts: Posted[];
  close(): Promise<void>;
}

/**
 * GET a known path → its page with its CSP; GET anything else → a small plain-text page;
 * POST → the fields are recorded and answered with 303 to `redirects[path]` (or `/done`).
 */
export async function servePages(pages: Map<string, Served>, redirects: Record<string, string> = {}): Promise<PageServer> {
  const posts: Posted[] = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        posts.push({ path, fields: Object.fromEntries(new URLSearchParams(body)) });
        res.writeHead(303, { location: redirects[path] ?? '/done' }).end();
      });
      return;
    }
    const page = pages.get(path);
    if (!page) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`reached ${path}`);
      return;
    }
    res
      .writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': page.csp,
        'cache-control': 'no-store',
      })
      .end(page.html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
