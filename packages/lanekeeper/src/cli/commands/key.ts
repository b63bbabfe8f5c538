import type { Command } from 'commander';
import { SIGNING_ALGS, type SigningAlg } from '../../config/schema.js';
import { withStore, type GlobalOptions } from '../context.js';
import { CliError, emit, isoTime, printTable } from '../output.js';

export function keyCommands(program: Command, globals: () => GlobalOptions): void {
  const key = program.command('key').description('manage signing keys');

  key
    .command('list')
    .description('list signing keys: next (published, not yet signing), current (signing), previous (published until its tokens expire), retired')
    .option('--all', 'include retired keys', false)
    .action(async (opts) => {
      const g = globals();
      await withStore(g, async ({ store }) => {
        const rows = opts.all ? await store.keys.listAll() : await store.keys.listLive();
        const keys = rows.map((r) => ({
          kid: r.kid,
          alg: r.alg,
          state: r.state,
          created_at: isoTime(r.created_at),
          activated_at: isoTime(r.activated_at),
          published_until: r.state === 'previous' ? isoTime(r.publish_until) : null,
        }));
        emit({ json: !!g.json }, keys, () => printTable(keys, ['kid', 'alg', 'state', 'created_at', 'activated_at', 'published_until']));
      });
    });

  key
    .command('rotate')
    .description('rotate: next → current → previous (previous keys stay published until every token they signed has expired)')
    .option('--alg <alg>', 'rotate only this algorithm')
    .action(async (opts) => {
      const g = globals();
      await withStore(g, async ({ keyring, config, audit }) => {
        let algs: SigningAlg[] = config.keys.algorithms;
        if (opts.alg) {
          if (!SIGNING_ALGS.includes(opts.alg) || !config.keys.algorithms.includes(opts.alg)) throw new CliError(`--alg: must be one of ${config.keys.algorithms.join(', ')}`, 2);
          algs = [opts.alg];
        }
        const ring = keyring();
        await ring.rotate(algs);
        const current = algs.map((alg) => ({ alg, kid: ring.signer(alg).kid }));
        audit({ type: 'key.rotated', details: { kids: current.map((c) => `${c.alg}:${c.kid}`) } });
        emit({ json: !!g.json }, { rotated: current }, () => {
          for (const c of current) process.stdout.write(`${c.alg}: now signing with ${c.kid}\n`);
        });
      });
    });
}
