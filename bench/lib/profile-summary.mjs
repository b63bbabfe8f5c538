#!/usr/bin/env node
// Summarizes a V8 CPU profile (node --cpu-prof): self time by function and by file/package,
// and inclusive time of the functions named on the command line.
//   node bench/lib/profile-summary.mjs <file.cpuprofile> [top=25] [inclusive-name ...]
import { readFileSync } from 'node:fs';

const [file, topArg = '25', ...names] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const counts = new Map();
for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
const total = profile.samples.length;
const where = (cf) => {
  const url = cf.url || '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/packages/')) return url.slice(url.indexOf('/packages/') + 1);
  return url.replace(/^.*\//, '') || '(native)';
};
const byFn = new Map();
const byFile = new Map();
for (const [id, n] of counts) {
  const node = nodes.get(id);
  const cf = node.callFrame;
  const fn = `${cf.functionName || '(anonymous)'} ${where(cf)}:${cf.lineNumber + 1}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + n);
  const f = where(cf);
  byFile.set(f, (byFile.get(f) ?? 0) + n);
}
const pct = (n) => ((100 * n) / total).toFixed(1).padStart(5) + '%';
const top = Number(topArg);
console.log(`samples: ${total}`);
console.log('\nself time by function:');
for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
console.log('\nself time by file or package:');
for (const [k, v] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
if (names.length) {
  // Inclusive time: samples whose stack contains a frame with that function name.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  console.log('\ninclusive time:');
  for (const name of names) {
    let n = 0;
    for (const [id, c] of counts) {
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        if (nodes.get(cur).callFrame.functionName === name) {
          n += c;
          break;
        }
      }
    }
    console.log(`${pct(n)}  ${name}`);
  }
}
