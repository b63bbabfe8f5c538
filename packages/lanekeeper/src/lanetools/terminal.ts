/**
 * Text for people: colour only on a terminal (never with NO_COLOR or TERM=dumb), lines kept
 * within the terminal's width (100 columns when the output is not a terminal).
 */

export interface Style {
  /** Whether escape codes are written at all. */
  readonly colour: boolean;
  /** The width every line must fit in. */
  readonly width: number;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

export interface StreamLike {
  isTTY?: boolean;
  columns?: number;
}

const DEFAULT_WIDTH = 100;
const MIN_WIDTH = 60;
const MAX_WIDTH = 120;

/** True when colour may be used on `stream`: a terminal, NO_COLOR unset or empty, TERM not dumb. */
export function colourWanted(stream: StreamLike, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

export function styleFor(stream: StreamLike, env: NodeJS.ProcessEnv = process.env): Style {
  const colour = colourWanted(stream, env);
  const columns = stream.isTTY && stream.columns ? stream.columns : DEFAULT_WIDTH;
  const width = Math.min(Math.max(columns, MIN_WIDTH), MAX_WIDTH);
  const wrap = (open: number, close: number) => (text: string) => (colour && text ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return {
    colour,
    width,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
  };
}

/** A style without colour, `width` wide (tests, JSON-less plain output). */
export function plainStyle(width = DEFAULT_WIDTH): Style {
  return { ...styleFor({ isTTY: false }, {}), width };
}

const ESCAPES = /\u001b\[[0-9;]*m/g;

/** The number of columns `text` takes (escape codes removed; one column per code point). */
export function visibleLength(text: string): number {
  return [...text.replace(ESCAPES, '')].length;
}

/** `text` cut to `max` columns, ending in `…` when cut. Plain text only. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  return `${chars.slice(0, max - 1).join('')}…`;
}

/** Pads plain or styled text to `width` columns. */
export function pad(text: string, width: number): string {
  const missing = width - visibleLength(text);
  return missing > 0 ? text + ' '.repeat(missing) : text;
}

/**
 * Breaks plain text into lines of at most `width` columns at spaces; a word longer than the
 * width is cut. Never returns an empty list.
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    let rest = word;
    while ([...rest].length > width) {
      if (line) {
        lines.push(line);
        line = '';
      }
      lines.push([...rest].slice(0, width).join(''));
      rest = [...rest].slice(width).join('');
    }
    if (!rest) continue;
    if (!line) line = rest;
    else if ([...line].length + 1 + [...rest].length <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * A labelled block: `label` in a column of `labelWidth`, `text` wrapped beside it, following
 * lines indented under the text. `indent` spaces before the label.
 */
export function labelled(label: string, text: string, o: { indent: number; labelWidth: number; width: number; styleText?: (s: string) => string }): string[] {
  const textWidth = Math.max(o.width - o.indent - o.labelWidth - 2, 20);
  const styleText = o.styleText ?? ((s: string) => s);
  return wrap(text, textWidth).map((line, i) =>
    `${' '.repeat(o.indent)}${pad(i === 0 ? label : '', o.labelWidth)}  ${styleText(line)}`.trimEnd(),
  );
}
