import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { openDb, migrate } from '../../store/index.js';
import { withStore, type GlobalOptions } from '../context.js';
import { CliError, emit } from '../output.js';

const STARTER = {
  database: 'sqlite:./.lanekeeper/lanekeeper.db',
  apis: [
    {
      identifier: 'https://api.example.com',
      name: 'Example API',
      scopes: { 'read:example': 'Read example data', 'write:example': 'Change example data' },
      token_format: 'jwt',
      signing_alg: 'RS256',
      access_token_ttl: 600,
    },
  ],
  clients: [],
};

export function setupCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('migrate')
    .description('bring the database schema up to date (also done at every start)')
    .action(async () => {
      const g = globals();
      const config = loadConfig({ file: g.config });
      const db = await openDb(config.database);
      try {
        const { applied } = await migrate(db);
        emit({ json: !!g.json }, { applied }, () => process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'schema is up to date\n'));
      } finally {
        await db.close();
      }
    });

  program
    .command('init')
    .description('write a starter config file, create the database and the first signing keys')
    .option('--file <file>', 'where to write the config', 'lanekeeper.json')
    .option('--force', 'overwrite an existing file', false)
    .action(async (opts) => {
      const g = globals();
      const file = resolve(opts.file);
      if (existsSync(file) && !opts.force) throw new CliError(`${file} exists (use --force to overwrite)`, 2);
      writeFileSync(file, JSON.stringify(STARTER, null, 2) + '\n');
      const summary = await withStore({ ...g, config: file }, async ({ keyring, registry, config }) => {
        await registry.importConfig(config);
        await keyring().init();
        return { config: file, database: config.database, data_dir: config.dataDir };
      });
      emit({ json: !!g.json }, summary, () =>
        process.stdout.write(
          `wrote ${file}\ndatabase ${summary.database}\n\nnext:\n  lanekeeper client add my-service --grant client_credentials --api https://api.example.com=read:example --config ${opts.file}\n  lanekeeper serve --config ${opts.file}\n`,
        ),
      );
    });
}
