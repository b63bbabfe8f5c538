// Pinning: the servers under test run on core 0, the load generator on core 1 (taskset),
// so neither steals cycles from the other. Without taskset or a second core, nothing is
// pinned and the run says so.
import { execFileSync, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const SERVER_CORE = 0;
const LOAD_CORE = 1;

function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether processes can be pinned here (Linux taskset, at least two cores). */
export const canPin = availableParallelism() >= 2 && hasTaskset();

export const cores = canPin ? { server: SERVER_CORE, load: LOAD_CORE } : undefined;

/**
 * Starts `node [nodeArgs] script [args]` with an IPC channel, pinned to `core` (every
 * thread: taskset execs node, so the pinning is inherited from the first instruction on).
 * @param {number | undefined} core
 * @param {URL} script
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, nodeArgs?: string[] }} [options]
 */
export function spawnOn(core, script, args, { env = process.env, nodeArgs = [] } = {}) {
  const command = [process.execPath, ...nodeArgs, script.pathname, ...args];
  const [file, ...rest] = canPin && core !== undefined ? ['taskset', '-c', String(core), ...command] : command;
  return spawn(file, rest, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** Pins this process (all its threads) to `core`, so the orchestrator stays off the servers' core. */
export function pinSelf(core) {
  if (canPin) execFileSync('taskset', ['-a', '-c', '-p', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** Resolves with the first IPC message of `child` (its "ready" report), rejects if it exits first. */
export function firstMessage(child, what) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`${what} exited with ${code} before it was ready`));
    child.once('error', reject);
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

/** Sends `message` and resolves with the child's next message (one request in flight per child). */
export function ask(child, message) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`child exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (reply) => {
      child.off('exit', onExit);
      resolve(reply);
    });
    child.send(message);
  });
}
