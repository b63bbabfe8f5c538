// The guard benchmark's tables: on stdout (console.table) and as Markdown for the README.

const int = (x) => Math.round(x).toLocaleString('en-US');
const times = (r) => (r ? `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})` : '');
const pct = (r) => (r ? `${Math.round(r.median * 100)}% (${Math.round(r.min * 100)}–${Math.round(r.max * 100)})` : '');
// Targets show one more digit, so a ratio just under its bound does not print as the bound.
const times3 = (r) => (r ? `${r.median.toFixed(3)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})` : '');
const pct1 = (r) => (r ? `${(r.median * 100).toFixed(1)}% (${Math.round(r.min * 100)}–${Math.round(r.max * 100)})` : '');
const measuredOf = (t, key = 'measured') => (t.min !== undefined && t.min < 1 ? pct1(t[key]) : times3(t[key]));

function rowCells(r) {
  return {
    route: r.label,
    'req/s median (min–max)': `${int(r.reqPerSec.median)} (${int(r.reqPerSec.min)}–${int(r.reqPerSec.max)})`,
    'p50/p99 ms': `${r.p50Ms}/${r.p99Ms}`,
    'non-2xx': r.non2xx + r.errors,
    'server CPU': `${Math.round(r.serverCpu * 100)}%`,
    'CPU µs/req': r.cpuMicrosPerRequest.toFixed(1),
    'peak RSS MB': Math.round(r.peakRssMB),
    '× express-oauth2-jwt-bearer': times(r.vsExpressOauth2JwtBearer),
    'vs ceiling': pct(r.vsCeiling),
    'vs unprotected': pct(r.vsUnprotected),
  };
}

function heading(result, environment) {
  const o = environment.options;
  return (
    `guard benchmark, ${result.alg}: ${o.rounds} round(s) × ${o.seconds} s per row, ${o.tokens} distinct tokens; ` +
    `${environment.cpu}, Node ${environment.node}, ${environment.pinning}; ${environment.date}`
  );
}

/** Prints one algorithm's tables (one per connection count) and its targets. */
export function printReport(result, environment) {
  console.log(`\n${heading(result, environment)}`);
  for (const level of result.levels) {
    console.log(`\n${result.alg}, ${level.connections} connections (ratios: median of per-round ratios, min–max):`);
    console.table(level.rows.map(rowCells));
    console.table(level.targets.map((t) => ({ target: t.target, 'req/s ratio': measuredOf(t), 'by CPU µs/req': measuredOf(t, 'byCpu'), result: t.result })));
  }
  if (environment.samplesTakenAgain) console.log(`${environment.samplesTakenAgain} samples were taken again because other processes were busy.`);
}

/** The same tables in Markdown. */
export function markdownReport(result, environment) {
  const lines = [`${heading(result, environment)}`, ''];
  for (const level of result.levels) {
    const cells = level.rows.map(rowCells);
    const columns = Object.keys(cells[0]);
    lines.push(`**${result.alg}, ${level.connections} connections**`, '');
    lines.push(`| ${columns.join(' | ')} |`, `|${columns.map((c, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const c of cells) lines.push(`| ${columns.map((k) => c[k]).join(' | ')} |`);
    lines.push('', '| target | req/s ratio: median (min–max) | by server CPU µs/req | |', '|---|---:|---:|---|');
    for (const t of level.targets) lines.push(`| ${t.target} | ${measuredOf(t)} | ${measuredOf(t, 'byCpu')} | ${t.result} |`);
    lines.push('');
  }
  return lines.join('\n');
}
