// The table and the targets, from a run's rows (bench/results/*.json).
import { TARGETS } from '../targets.mjs';

const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–');
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

export function printReport(run) {
  const rows = Object.values(run.rows ?? {});
  if (run.machine) console.log(`\nmachine: ${run.machine.cpu}, ${run.machine.cores} cores, Node ${run.machine.node}`);
  console.log(`${pad('row', 58)} ${lpad('conn', 4)} ${lpad('req/s median (min–max)', 26)} ${lpad('p50 ms', 7)} ${lpad('p99 ms', 7)} ${lpad('non-2xx', 7)} ${lpad('CPU µs/req', 10)} ${lpad('RSS idle/peak MiB', 17)}`);
  let group;
  for (const r of rows) {
    if (group !== undefined && r.group !== group) console.log('');
    group = r.group;
    if (r.error) {
      console.log(`${pad(r.id, 58)} FAILED: ${r.error}`);
      continue;
    }
    for (const l of r.levels) {
      const rps = l.rps ? `${fmt(l.rps.median)} (${fmt(l.rps.min)}–${fmt(l.rps.max)})` : '–';
      const mem = `${fmt(r.idleRssMiB)}/${fmt(r.peakRssMiB)}`;
      console.log(`${pad(r.id + (r.quick ? ' (quick)' : ''), 58)} ${lpad(l.connections, 4)} ${lpad(rps, 26)} ${lpad(fmt(l.p50, 1), 7)} ${lpad(fmt(l.p99, 1), 7)} ${lpad(fmt(l.non2xx) + (l.invalid ? ' INVALID' : ''), 7)} ${lpad(fmt(l.cpuPerRequestUs), 10)} ${lpad(mem, 17)}`);
    }
    for (const n of r.notes ?? []) console.log(`${pad('', 4)}note: ${n}`);
  }
  console.log('\ntargets (ratios within the same run and machine; each connection count must pass):');
  for (const t of TARGETS) {
    for (const line of t.evaluate(run)) console.log(`  ${line}`);
  }
}
