import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Swaps the request handler (so apps can be built once the port is known). */
  handle(listener: RequestListener): void;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 and a free port, its handler set later. */
export async function listen(): Promise<Listening> {
  let listener: RequestListener = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    handle: (l) => {
      listener = l;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Bridges node:http to a fetch-style handler (what @hono/node-server does, minus bodies we do not need). */
export function fetchListener(origin: string, handler: (request: Request) => Response | Promise<Response>): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
    const request = new Request(new URL(req.url ?? '/', origin), { method: req.method ?? 'GET', headers });
    Promise.resolve(handler(request)).then(
      async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      },
      () => res.writeHead(500).end(),
    );
  };
}
