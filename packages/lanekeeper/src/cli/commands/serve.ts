import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import type { GlobalOptions } from '../context.js';

export function serveCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve', { isDefault: true })
    .description('run the authorization server')
    .action(async () => {
      const config = loadConfig({ file: globals().config });
      // Loaded on demand: the other commands never need the HTTP stack.
      const { startServer } = await import('../../http/server.js');
      const server = await startServer(config);
      process.stdout.write(`Lanekeeper is listening on ${server.url} (issuer ${server.issuer})\n`);
      let closing = false;
      const stop = (signal: string) => {
        if (closing) return;
        closing = true;
        server.logger.info({ signal }, 'shutting down');
        const force = setTimeout(() => process.exit(1), 10_000);
        force.unref();
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}
