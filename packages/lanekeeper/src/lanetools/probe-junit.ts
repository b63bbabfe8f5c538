/**
 * The probe report as JUnit XML, for CI pipelines: one test case per probe; an accepted
 * probe is a failure, an inconclusive or skipped one is skipped, a stopped run is an error.
 */
import type { ProbeReport, ProbeResult } from './probe.js';

function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu, '?')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function answer(r: ProbeResult): string {
  if (!r.response) return 'no answer';
  const challenge = r.response.www_authenticate ? `; WWW-Authenticate: ${r.response.www_authenticate}` : '';
  return `HTTP ${r.response.status}${challenge}`;
}

function testCase(r: ProbeResult, report: ProbeReport): string {
  const name = xml(`${r.id}: ${r.sent}`);
  const open = `    <testcase classname="lanekeeper.probe" name="${name}">`;
  if (r.verdict === 'accepted') {
    const message = xml(`ACCEPTED (${r.severity}): ${r.finding}`);
    return `${open}\n      <failure type="${r.severity}" message="${message}">${xml(`sent: ${r.sent}\ngot: ${answer(r)}\nfix: ${r.fix}`)}</failure>\n    </testcase>`;
  }
  if (r.id === 'control' && report.stopped?.probe === 'control') {
    return `${open}\n      <error message="${xml(report.stopped.message)}">${xml(`got: ${answer(r)}`)}</error>\n    </testcase>`;
  }
  if (r.verdict === 'inconclusive' || r.verdict === 'skipped') {
    return `${open}\n      <skipped message="${xml(r.reason ?? r.verdict)}"/>\n    </testcase>`;
  }
  return `    <testcase classname="lanekeeper.probe" name="${name}"/>`;
}

export function junitXml(report: ProbeReport, timestamp = new Date()): string {
  const cases = report.results;
  const failures = cases.filter((r) => r.verdict === 'accepted').length;
  const errors = report.stopped?.probe === 'control' ? 1 : 0;
  const skipped = cases.filter((r) => (r.verdict === 'inconclusive' || r.verdict === 'skipped') && !(r.id === 'control' && errors)).length;
  const suite = xml(`lanekeeper probe ${report.target.method} ${report.target.url}`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lanekeeper probe" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    `  <testsuite name="${suite}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" timestamp="${timestamp.toISOString().slice(0, 19)}">`,
    ...cases.map((r) => testCase(r, report)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
