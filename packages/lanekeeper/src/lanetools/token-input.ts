/** Where `inspect` gets its token, and how a token is shown without being given away. */
import { readFileSync } from 'node:fs';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface TokenSource {
  /** The positional argument: a token, or `-` for standard input. */
  argument?: string | undefined;
  /** `--file`: a file holding the token. */
  file?: string | undefined;
  /** Reads standard input to its end (injected for tests). */
  readStdin: () => Promise<string>;
  /** Whether standard input is a terminal (then it is not read without `-`). */
  stdinIsTTY: boolean;
}

export interface ReadToken {
  token: string;
  /** What was removed around the token, e.g. `the Bearer scheme`. */
  removed: string[];
}

const MAX_INPUT = 64 * 1024;

/** Reads the token from the argument, `--file` or standard input, and trims what surrounds it. */
export async function readToken(source: TokenSource): Promise<ReadToken> {
  const { argument, file } = source;
  if (argument !== undefined && file !== undefined) throw new UsageError('give the token as an argument or with --file, not both');
  let raw: string;
  if (file !== undefined) {
    try {
      raw = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  } else if (argument !== undefined && argument !== '-') {
    raw = argument;
  } else if (argument === '-' || !source.stdinIsTTY) {
    raw = await source.readStdin();
  } else {
    throw new UsageError('no token: give it as an argument, with --file FILE, or on standard input (-)');
  }
  if (raw.length > MAX_INPUT) throw new UsageError(`the input is ${raw.length} characters; a token is at most ${MAX_INPUT}`);
  return normalize(raw);
}

/** Removes whitespace, quotes and an Authorization scheme around a pasted token. */
export function normalize(raw: string): ReadToken {
  const removed: string[] = [];
  let token = raw.trim();
  const quoted = /^(["'])(.*)\1$/s.exec(token);
  if (quoted) {
    token = (quoted[2] ?? '').trim();
    removed.push('the quotes around it');
  }
  const header = /^authorization:\s*/i.exec(token);
  if (header) {
    token = token.slice(header[0].length);
    removed.push('the Authorization header name');
  }
  const scheme = /^(bearer|dpop)\s+/i.exec(token);
  if (scheme) {
    token = token.slice(scheme[0].length).trim();
    removed.push(`the ${scheme[1]} scheme`);
  }
  if (token === '') throw new UsageError('no token: the input is empty');
  return { token, removed };
}

/**
 * The start of a token, enough to recognise it and never enough to use it: a Lanekeeper
 * prefix and 4 characters, a JWT's first 16 characters (header only), other strings' first 6.
 */
export function preview(token: string): string {
  const prefix = /^lk_[a-z]+_/.exec(token)?.[0];
  const keep = prefix ? prefix.length + 4 : token.includes('.') ? 16 : 6;
  // A string no longer than that shows only its first half.
  return token.length <= keep ? `${token.slice(0, Math.floor(token.length / 2))}…` : `${token.slice(0, keep)}…`;
}
