/**
 * Open a socket on 127.0.0.1 first, build the app for it afterwards. The calendar API's
 * identifier is its own URL and the to-do app's redirect URIs name its URL, so both URLs
 * must be known before Lanekeeper's config is written; binding port 0 up front gives a
 * free port with no race. Fastify then serves on the bound server through `serverFactory`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BoundSocket {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
}

export async function bindLoopback(port = 0): Promise<BoundSocket> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return { server, origin: `http://127.0.0.1:${bound}`, port: bound };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A Fastify `serverFactory` that hands requests of an already-listening server to Fastify. */
export function onBoundServer(server: Server) {
  return (handler: Handler) => {
    server.on('request', handler);
    return server;
  };
}

/** Stops accepting, closes idle keep-alive sockets, and after `graceMs` cuts the rest. */
export async function closeServer(server: Server, graceMs = 2000): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
