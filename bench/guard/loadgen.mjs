// Child process entry: the load generator, on its own core (see cores.mjs). Reads the
// pre-minted tokens once, then answers each { port, repeated, seconds, connections } with
// the result of one bounded autocannon run and its own CPU time so far.
import { readFileSync } from 'node:fs';
import { load } from './load.mjs';

if (!process.send) {
  console.error('usage: spawn loadgen.mjs <fixture.json> with an IPC channel');
  process.exit(2);
}
const { tokens } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const single = tokens.slice(0, 1);
process.on('message', async ({ port, repeated, seconds, connections }) => {
  const result = await load({ port, tokens: repeated ? single : tokens, seconds, connections });
  const { user, system } = process.cpuUsage();
  process.send({ result, cpuMicros: user + system });
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
