import pino, { type Logger, type DestinationStream } from 'pino';

/**
 * The server's logger. Requests are logged by method and path only: query strings, headers
 * and bodies can carry tokens, codes and secrets, so none of them is ever logged.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'lanekeeper' },
      redact: { paths: ['req.headers', 'headers', 'authorization', 'password', 'client_secret', 'token', '*.token', '*.password', '*.client_secret'], censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({ id: req.id, method: req.method, path: (req.url ?? '').split('?')[0] }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}
