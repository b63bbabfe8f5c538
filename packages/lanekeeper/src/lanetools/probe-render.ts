/** `probe` for people: a table with one line per probe, the findings with their fixes, a verdict line. */
import { SEVERITY_ORDER } from './probe-catalog.js';
import type { ProbeReport, ProbeResult, ProbeVerdict } from './probe.js';
import { labelled, pad, truncate, wrap, type Style } from './terminal.js';

const COLUMNS = { verdict: 12, severity: 8, probe: 19, sent: 28 } as const;
const LABEL = 10;

function verdictLabel(v: ProbeVerdict, s: Style): string {
  switch (v) {
    case 'accepted':
      return s.red(s.bold('ACCEPTED'));
    case 'refused':
      return s.green('refused');
    case 'control_ok':
      return s.green('control ok');
    case 'inconclusive':
      return s.yellow('inconclusive');
    default:
      return s.dim('skipped');
  }
}

function answer(r: ProbeResult, width: number): string {
  if (!r.response) return truncate(r.verdict === 'skipped' ? 'not sent' : 'no answer', width);
  const { status, error, error_description: description, www_authenticate: challenge } = r.response;
  const scheme = challenge?.split(/[\s,]/)[0];
  let text = `${status}${error ? ` ${error}` : scheme ? ` ${scheme}` : ''}`;
  if (description && width - text.length >= 16) text += `: ${description}`;
  return truncate(text, width);
}

function row(r: ProbeResult, s: Style, answerWidth: number): string {
  const severity = r.id === 'control' ? '' : r.verdict === 'accepted' ? s.red(r.severity) : s.dim(r.severity);
  return [
    '  ',
    pad(verdictLabel(r.verdict, s), COLUMNS.verdict),
    '  ',
    pad(severity, COLUMNS.severity),
    '  ',
    pad(r.id, COLUMNS.probe),
    '  ',
    pad(truncate(r.sent, COLUMNS.sent), COLUMNS.sent),
    '  ',
    answer(r, answerWidth),
  ]
    .join('')
    .trimEnd();
}

const modeWords = {
  operator: "operator: tokens minted with the deployment's own keys",
  foreign: 'foreign: the given tokens and variants that need no signing key',
};

/** The report as text lines. */
export function renderProbe(report: ProbeReport, s: Style): string[] {
  const field = (label: string, text: string) => labelled(label, text, { indent: 2, labelWidth: LABEL, width: s.width });
  const lines: string[] = [];
  lines.push(...wrap(`Probe of ${report.target.method} ${report.target.url}`, s.width).map((l) => s.bold(l)));
  lines.push(...field('mode', modeWords[report.mode]));
  if (report.api) lines.push(...field('API', report.api));
  if (report.issuer) lines.push(...field('issuer', report.issuer));
  lines.push(...field('bounds', `${report.max_requests} requests at most, all to this URL; ${report.requests_sent} sent`));
  for (const note of report.notes) lines.push(...field('note', note));

  const fixed = 2 + COLUMNS.verdict + 2 + COLUMNS.severity + 2 + COLUMNS.probe + 2 + COLUMNS.sent + 2;
  const answerWidth = Math.max(s.width - fixed, 8);
  const heading = `  ${pad('RESULT', COLUMNS.verdict)}  ${pad('SEVERITY', COLUMNS.severity)}  ${pad('PROBE', COLUMNS.probe)}  ${pad('SENT', COLUMNS.sent)}  ANSWER`;
  lines.push('', s.dim(heading));
  for (const r of report.results) lines.push(row(r, s, answerWidth));

  const rank = (r: ProbeResult) => SEVERITY_ORDER.indexOf(r.severity);
  const findings = report.results.filter((r) => r.verdict === 'accepted').sort((a, b) => rank(a) - rank(b));
  if (findings.length) {
    lines.push('', s.bold('Findings'));
    const indent = 2 + 2 + COLUMNS.severity + 2;
    for (const r of findings) {
      lines.push(...wrap(`${r.id}: ${r.finding}`, s.width - indent).map((l, i) => (i === 0 ? `  ${s.red('✗')} ${pad(s.red(r.severity), COLUMNS.severity)}  ${l}` : `${' '.repeat(indent)}${l}`)));
      lines.push(...wrap(`fix: ${r.fix}`, s.width - indent).map((l) => `${' '.repeat(indent)}${s.dim(l)}`));
    }
  }
  const stoppedAt = report.stopped?.probe;
  const unjudged = report.results.filter(
    (r) => r.id !== stoppedAt && (r.verdict === 'inconclusive' || (r.verdict === 'skipped' && r.reason !== 'not sent: the run stopped')),
  );
  if (unjudged.length) {
    lines.push('', s.bold('Not judged'));
    const width = Math.max(...unjudged.map((r) => r.id.length));
    for (const r of unjudged) {
      lines.push(...labelled(r.id, r.reason ?? '', { indent: 4, labelWidth: width, width: s.width }).map((l, i) => (i === 0 ? `  ${s.yellow('?')}${l.slice(3)}` : l)));
    }
  }
  if (report.stopped) {
    lines.push('', s.bold('Stopped'), ...wrap(report.stopped.message, s.width - 2).map((l) => `  ${l}`));
  }

  const sum = report.summary;
  const worst = sum.worst ? ` (worst: ${sum.worst})` : '';
  lines.push('', ...labelled('Summary', `${sum.probes} probes: ${sum.accepted} accepted${worst}, ${sum.refused} refused, ${sum.inconclusive} inconclusive, ${sum.skipped} skipped`, { indent: 0, labelWidth: LABEL, width: s.width }));
  if (sum.accepted > 0) lines.push(`${pad(s.red(s.bold('VULNERABLE')), LABEL)}  the API accepted ${sum.accepted} token${sum.accepted === 1 ? '' : 's'} it must refuse`);
  else if (report.stopped) lines.push(`${pad(s.yellow(s.bold('NOT JUDGED')), LABEL)}  the probe stopped before judging the API`);
  else lines.push(`${pad(s.green(s.bold('CLEAN')), LABEL)}  the API refused every token it must refuse`);
  return lines;
}
