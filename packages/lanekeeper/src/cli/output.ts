/** Human tables by default, JSON for scripts. */
export interface Output {
  json: boolean;
}

export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cells = rows.map((r) => columns.map((c) => formatCell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd() + '\n';
  process.stdout.write(line(columns.map((c) => c.toUpperCase())));
  for (const row of cells) process.stdout.write(line(row));
}

export function printRecord(record: Record<string, unknown>): void {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  for (const [k, v] of Object.entries(record)) process.stdout.write(`${k.padEnd(width)}  ${formatCell(v)}\n`);
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (Array.isArray(v)) return v.length ? v.map(formatCell).join(', ') : '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function emit(out: Output, value: unknown, human: () => void): void {
  if (out.json) process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  else human();
}

/** A failure the user can fix: printed as one line, exit code given. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function isoTime(seconds: number | null | undefined): string | null {
  return seconds === null || seconds === undefined ? null : new Date(Number(seconds) * 1000).toISOString();
}
