import { CliError } from './output.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let data = '';
  for await (const chunk of stream) data += String(chunk);
  return data;
}

/** Reads a password from a prompt with echo off (a terminal), or from stdin with --password-stdin. Never from a flag. */
export async function readPassword(fromStdin: boolean, prompt = 'Password: '): Promise<string> {
  const stdin = process.stdin;
  if (fromStdin || !stdin.isTTY) {
    if (!fromStdin) throw new CliError('no terminal to prompt for a password: pass it on stdin with --password-stdin', 2);
    const value = (await readAll(stdin)).replace(/\r?\n$/, '');
    if (!value) throw new CliError('--password-stdin: stdin was empty', 2);
    return value;
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chars: string) => {
      for (const c of chars) {
        if (c === '\r' || c === '\n') return done();
        if (c === '\u0003') return done(new CliError('cancelled', 1));
        if (c === '\u007f' || c === '\b') value = value.slice(0, -1);
        else value += c;
      }
    };
    stdin.on('data', onData);
  });
}
