/**
 * Runs a command in a real pseudo-terminal of a given size and captures what a person would
 * see: a detached tmux session on a server socket of its own in a temporary folder (so no one
 * else's tmux is touched), read back with `capture-pane` (-J joins wrapped lines, so a line
 * too wide shows as one long line; -e keeps the colours).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface Capture {
  /** Lines as shown, colours as escape sequences. */
  raw: string;
  /** Lines without escape sequences or trailing spaces. */
  lines: string[];
  /** The command's exit code. */
  code: number;
}

const DONE = '__lk_pty_exit__';

/** Runs `argv` with `env` in a `columns`-wide terminal and returns the screen once it exits. */
export async function runInTerminal(argv: string[], env: Record<string, string>, o: { columns: number; timeoutMs?: number }): Promise<Capture> {
  const dir = mkdtempSync(join(tmpdir(), 'lk-tmux-'));
  const socket = join(dir, 'socket');
  const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`).join(' ');
  const command = `env ${assignments} ${argv.map(quote).join(' ')}; echo ${DONE}$?; sleep 30`;
  tmux('new-session', '-d', '-s', 'lk', '-x', String(o.columns), '-y', '50', command);
  try {
    tmux('set-option', '-t', 'lk', 'history-limit', '5000');
    const deadline = Date.now() + (o.timeoutMs ?? 30_000);
    for (;;) {
      const raw = tmux('capture-pane', '-p', '-J', '-e', '-t', 'lk', '-S', '-', '-E', '-');
      const done = new RegExp(`${DONE}(\\d+)`).exec(raw);
      if (done) {
        const shown = raw.slice(0, raw.indexOf(DONE));
        const lines = shown.replace(/\u001b\[[0-9;:]*m/g, '').split('\n').map((l) => l.trimEnd());
        while (lines.length && lines[lines.length - 1] === '') lines.pop();
        return { raw: shown, lines, code: Number(done[1]) };
      }
      if (Date.now() > deadline) throw new Error(`no end within the time limit; the screen:\n${raw}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    spawnSync('tmux', ['-S', socket, 'kill-server'], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}
