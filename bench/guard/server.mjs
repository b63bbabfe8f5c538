// Child process entry: serves one of the benchmark apps on 127.0.0.1 and a free port.
// Reports { port } over IPC, and answers { usage: true } with its CPU time so far and its
// peak resident set size. Exits when the orchestrator disconnects (writing its CPU profile
// first when started with --cpu-prof).
import { apps } from './apps.mjs';

const name = process.argv[2];
const build = apps[name];
if (!build || !process.send) {
  console.error(`usage: spawn server.mjs <${Object.keys(apps).join('|')}> with BENCH_CONFIG and an IPC channel`);
  process.exit(2);
}
const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}');
const app = await build(config);
const port = await app.listen();
process.on('message', (message) => {
  if (message?.usage) {
    const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
    process.send({ cpuMicros: userCPUTime + systemCPUTime, at: performance.now(), peakRssBytes: maxRSS * 1024 });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ port });
