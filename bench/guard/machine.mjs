// How busy the machine is apart from the benchmark: CPU time of all processes (Linux
// /proc/stat) minus what the benchmark's own processes used. Undefined elsewhere.
import { readFileSync } from 'node:fs';

/** Busy CPU time of the whole machine so far, in microseconds, or undefined off Linux. */
export function machineBusyMicros() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return ((user + nice + system + irq + softirq + (steal ?? 0)) * 1_000_000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/**
 * Waits until the whole machine has used less than `maxCores` in each of `quietSeconds`
 * 1-second windows in a row (call it while the benchmark itself is not loading anything),
 * or until `timeoutSeconds` have passed. Resolves true when the machine is quiet.
 */
export async function waitForQuiet({ maxCores, quietSeconds = 3, timeoutSeconds = 60 }) {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let quiet = 0;
  while (Date.now() < deadline) {
    const before = machineBusyMicros();
    if (before === undefined) return true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const cores = (machineBusyMicros() - before) / 1_000_000;
    quiet = cores < maxCores ? quiet + 1 : 0;
    if (quiet >= quietSeconds) return true;
  }
  return false;
}
