/** `inspect` for people: sections with aligned columns, wrapped to the terminal's width. */
import type { AnnotatedMember, InspectReport } from './inspect.js';
import type { Step } from './issuer.js';
import { labelled, pad, truncate, wrap, type Style } from './terminal.js';

const LABEL = 12;
const MAX_VALUE_LINES = 4;
/** Time claims whose relative phrase already says what they are (`issued 2 min ago`). */
const SELF_EXPLAINED_TIMES = new Set(['iat', 'auth_time']);

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

/** name · value · note, in columns; a long value takes its own lines, the note goes under it. */
function members(title: string, list: AnnotatedMember[], s: Style): string[] {
  const lines = ['', s.bold(title)];
  const nameWidth = Math.min(Math.max(...list.map((m) => [...m.name].length), 3), 18);
  // Values longer than the cap take their own lines, so one long value does not narrow every note.
  const cap = Math.floor((s.width - 6 - nameWidth) * 0.45);
  const lengths = list.map((m) => [...(m.time ? m.time.utc : valueText(m.value))].length).filter((n) => n <= cap);
  const valueWidth = Math.max(8, ...lengths);
  const valueColumn = 2 + nameWidth + 2;
  const noteColumn = valueColumn + valueWidth + 2;
  const noteWidth = s.width - noteColumn;
  for (const m of list) {
    const name = pad(truncate(m.name, nameWidth), nameWidth);
    const value = m.time ? m.time.utc : valueText(m.value);
    const note = m.time ? (SELF_EXPLAINED_TIMES.has(m.name) ? m.time.relative : `${m.time.relative} · ${m.note}`) : m.note;
    const styledNote = (text: string, first: boolean) => (m.time && first ? s.bold(text.slice(0, m.time.relative.length)) + s.dim(text.slice(m.time.relative.length)) : s.dim(text));
    const fits = [...value].length <= valueWidth && noteWidth >= 24;
    if (fits) {
      const noteLines = wrap(note, noteWidth);
      lines.push(`  ${name}  ${pad(value, valueWidth)}  ${styledNote(noteLines[0] ?? '', true)}`.trimEnd());
      for (const more of noteLines.slice(1)) lines.push(`${' '.repeat(noteColumn)}${s.dim(more)}`);
      continue;
    }
    const valueLines = wrap(value.replace(/\s+/g, ' '), s.width - valueColumn);
    const shown = valueLines.slice(0, MAX_VALUE_LINES);
    if (valueLines.length > MAX_VALUE_LINES) shown[MAX_VALUE_LINES - 1] = truncate(`${shown[MAX_VALUE_LINES - 1] ?? ''} …`, s.width - valueColumn);
    shown.forEach((line, i) => lines.push(`  ${i === 0 ? name : ' '.repeat(nameWidth)}  ${line}`.trimEnd()));
    const indent = noteWidth >= 24 ? noteColumn : valueColumn + 2;
    const noteLines = wrap(note, s.width - indent);
    noteLines.forEach((line, i) => lines.push(`${' '.repeat(indent)}${styledNote(line, i === 0)}`));
  }
  return lines;
}

function mark(step: Step, s: Style): string {
  if (step.ok === true) return s.green('✓');
  if (step.ok === false) return s.red('✗');
  return s.dim('–');
}

function steps(list: Step[], s: Style): string[] {
  const checkWidth = Math.max(...list.map((step) => step.check.length), 9);
  const indent = 2 + 2 + checkWidth + 2;
  const lines: string[] = [];
  for (const step of list) {
    const detail = wrap(step.detail, s.width - indent);
    const styleDetail = step.ok === null ? s.dim : (t: string) => t;
    lines.push(`  ${mark(step, s)} ${pad(step.check, checkWidth)}  ${styleDetail(detail[0] ?? '')}`.trimEnd());
    for (const more of detail.slice(1)) lines.push(`${' '.repeat(indent)}${styleDetail(more)}`);
  }
  return lines;
}

const sourceWords: Record<string, string> = {
  issuer_option: '--issuer',
  token_iss: "the token's iss, --online",
  proof_jwk: 'the key in its own header',
  none: '',
};

function verdictLines(report: InspectReport, s: Style): string[] {
  const v = report.verdict;
  const block = (label: string, text: string, styleText?: (t: string) => string) =>
    labelled(label, text, { indent: 0, labelWidth: LABEL, width: s.width, ...(styleText ? { styleText } : {}) });
  if (!v) return ['', ...block('Verdict', 'none asked: add --audience URL to ask whether an API would accept it', s.dim)];
  const code = v.http_status !== null ? ` (${v.http_status}${v.error ? ` ${v.error}` : ''})` : '';
  const headline: Record<typeof v.status, string> = {
    accepted: s.green(s.bold('ACCEPTED')),
    refused: s.red(s.bold('REFUSED')) + code,
    unverified: `${s.yellow(s.bold('NOT REFUSED'))} (signature not checked)`,
    unavailable: `${s.yellow(s.bold('CANNOT TELL'))}${code}`,
  };
  const scopes = v.scopes.length ? ` needing scope ${v.scopes.join(' ')}` : '';
  const trusting = v.issuer ? `, trusting ${v.issuer}` : '';
  return [
    '',
    `${pad(s.bold('Verdict'), LABEL)}  ${headline[v.status]}`,
    ...block('', `for an API with audience ${v.audience}${scopes}${trusting}`, s.dim),
    ...block('', v.description),
    ...(v.dpop_jkt ? block('', `proofs must be signed by the key with thumbprint ${v.dpop_jkt}`, s.dim) : []),
  ];
}

/** The report as text lines for a terminal (or a pipe, without colour). */
export function renderInspect(report: InspectReport, s: Style): string[] {
  const block = (label: string, text: string, styleText?: (t: string) => string) =>
    labelled(label, text, { indent: 0, labelWidth: LABEL, width: s.width, ...(styleText ? { styleText } : {}) });
  const lines: string[] = [];
  const t = report.token;
  if (t.value === undefined) lines.push(...block('Token', `${t.preview} (${t.length} characters; --show-token prints it whole)`));
  // Asked for: on a line of its own, unwrapped, so it can be copied.
  else lines.push(...block('Token', `${t.length} characters, in full on the next line`), t.value);
  if (t.removed.length) lines.push(...block('', `removed ${t.removed.join(' and ')} around it`, s.dim));

  const lane = report.lane;
  const certainty = lane.certainty === 'unknown' ? '' : `  ${s.dim(`(${lane.certainty})`)}`;
  lines.push(`${pad(s.bold('Lane'), LABEL)}  ${s.bold(lane.label)}${certainty}`);
  lines.push(...block('', lane.summary, s.dim));
  lane.evidence.forEach((item, i) => lines.push(...labelled(i === 0 ? 'Evidence' : '', `- ${item}`, { indent: 0, labelWidth: LABEL, width: s.width })));
  if (report.shape) {
    const shape = report.shape;
    lines.push(...block('Shape', `${shape.name} ${shape.token.replace('_', ' ')} (${shape.certainty})`));
    lines.push(...block('', `signs: ${shape.signs.join('; ')}`, s.dim));
  }

  if (report.header) lines.push(...members('Header', report.header, s));
  if (report.claims) lines.push(...members(report.claims_source === 'introspection' ? 'Introspection answer' : 'Claims', report.claims, s));

  const v = report.verification;
  if (v) {
    const from = sourceWords[v.source] ? ` (${sourceWords[v.source]})` : '';
    const title = v.issuer ? `Verification against ${v.issuer}${from}` : `Verification${from}`;
    lines.push('', ...wrap(title, s.width).map((line) => s.bold(line)), ...steps(v.steps, s));
  } else if (report.token.format === 'jws' || report.token.format === 'opaque') {
    lines.push('', ...block('Verification', 'not asked: add --online (the issuer the token names) or --issuer URL', s.dim));
  }
  lines.push(...verdictLines(report, s));
  return lines;
}
