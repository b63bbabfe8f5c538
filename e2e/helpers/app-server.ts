import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in for the client app's web server: records every request that reaches it. */
export interface AppServer {
  origin: string;
  hits: URL[];
  close(): Promise<void>;
}

export async function startAppServer(): Promise<AppServer> {
  const hits: URL[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => {
    hits.push(new URL(req.url ?? '/', origin));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>App</title><main><h1>Back at the app</h1></main></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
