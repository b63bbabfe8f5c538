import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LanekeeperHooks } from '../tokens/hooks.js';
import { ConfigError } from '../config/load.js';

/**
 * Loads the custom-claim hooks module named by the config's `hooks` (relative to the config
 * file). `.js`/`.mjs` load natively; `.ts` needs the `tsx` package installed.
 */
export async function loadHooks(path: string, configFile: string | undefined): Promise<LanekeeperHooks> {
  const full = isAbsolute(path) ? path : resolve(configFile ? dirname(configFile) : process.cwd(), path);
  let mod: Record<string, unknown>;
  try {
    if (full.endsWith('.ts') || full.endsWith('.mts')) {
      const { tsImport } = (await import('tsx/esm/api' as string)) as { tsImport: (p: string, parent: string) => Promise<Record<string, unknown>> };
      mod = await tsImport(pathToFileURL(full).href, import.meta.url);
    } else {
      mod = (await import(pathToFileURL(full).href)) as Record<string, unknown>;
    }
  } catch (err) {
    throw new ConfigError(`hooks: cannot load ${full}: ${(err as Error).message}`);
  }
  const source = (mod.default as Record<string, unknown> | undefined) ?? mod;
  const hooks: LanekeeperHooks = {};
  for (const name of ['idTokenClaims', 'accessTokenClaims'] as const) {
    const fn = source[name];
    if (fn === undefined) continue;
    if (typeof fn !== 'function') throw new ConfigError(`hooks: ${name} must be a function`);
    hooks[name] = fn as never;
  }
  return hooks;
}
