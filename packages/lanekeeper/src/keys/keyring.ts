import { createPrivateKey, type KeyObject } from 'node:crypto';
import { importJWK, type JWK, type CryptoKey } from 'jose';
import type { SigningAlg } from '../config/schema.js';
import type { Store, SigningKeyRow } from '../store/index.js';
import { nowSeconds } from '../store/index.js';
import { SecretBox } from './secret-box.js';
import { generateSigningKey } from './generate.js';

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  /** For jose. */
  key: CryptoKey;
  /** The same key for node:crypto's synchronous sign (the token path). */
  keyObject: KeyObject;
}

export interface KeyringOptions {
  algorithms: readonly SigningAlg[];
  /** How often to look for rotations made by other nodes, in seconds. */
  pollInterval: number;
  /** The longest lifetime of any token we sign, in seconds: a previous key stays published this long. */
  maxTokenTtl: () => Promise<number>;
}

export interface PublicJwks {
  keys: JWK[];
}

/** Seconds added to a previous key's publication for clock skew and nodes that have not polled yet. */
const PUBLISH_MARGIN = 300;

/**
 * The signing keys of this node: the current key per algorithm signs; next, current and
 * previous keys are published. Reloads when another node rotates.
 */
export class Keyring {
  private signers = new Map<string, SigningKey>();
  private verifiers = new Map<string, { alg: string; key: CryptoKey | Uint8Array }>();
  private jwks: PublicJwks = { keys: [] };
  private version = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly box: SecretBox;

  constructor(
    private readonly store: Store,
    secret: string,
    private readonly options: KeyringOptions,
  ) {
    this.box = new SecretBox(secret);
  }

  /** Creates missing current/next keys for each algorithm, then loads. */
  async init(): Promise<void> {
    await this.ensureKeys();
    await this.reload();
  }

  startPolling(onError: (err: unknown) => void): void {
    this.stopPolling();
    this.timer = setInterval(() => {
      this.refresh().catch(onError);
    }, this.options.pollInterval * 1000);
    this.timer.unref();
  }

  stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Retires expired previous keys and reloads if the key set changed anywhere. */
  async refresh(): Promise<boolean> {
    await this.store.keys.retireExpired(nowSeconds());
    const version = await this.store.keys.version();
    if (version === this.version) return false;
    await this.ensureKeys();
    await this.reload();
    return true;
  }

  signer(alg: string): SigningKey {
    const s = this.signers.get(alg);
    if (!s) throw new Error(`no current signing key for ${alg}`);
    return s;
  }

  /** A public key that may verify tokens we signed (next, current or previous). */
  verifier(kid: string): { alg: string; key: CryptoKey | Uint8Array } | undefined {
    return this.verifiers.get(kid);
  }

  publicJwks(): PublicJwks {
    return this.jwks;
  }

  algorithms(): readonly SigningAlg[] {
    return this.options.algorithms;
  }

  /** Moves next → current → previous for the given algorithms (all by default). */
  async rotate(algs: readonly SigningAlg[] = this.options.algorithms): Promise<void> {
    await this.ensureKeys();
    const now = nowSeconds();
    const publishUntil = now + (await this.options.maxTokenTtl()) + this.options.pollInterval + PUBLISH_MARGIN;
    for (const alg of algs) {
      const row = await this.newRow(alg, 'next', now);
      const ok = await this.store.keys.rotate(alg, row, now, publishUntil);
      if (!ok) throw new Error(`cannot rotate ${alg}: it has no next key`);
    }
    await this.reload();
  }

  private async ensureKeys(): Promise<void> {
    const live = await this.store.keys.listLive();
    const now = nowSeconds();
    for (const alg of this.options.algorithms) {
      if (!live.some((k) => k.alg === alg && k.state === 'current')) await this.store.keys.tryInsert(await this.newRow(alg, 'current', now));
      if (!live.some((k) => k.alg === alg && k.state === 'next')) await this.store.keys.tryInsert(await this.newRow(alg, 'next', now));
    }
  }

  private async newRow(alg: SigningAlg, state: 'current' | 'next', now: number): Promise<SigningKeyRow> {
    const k = await generateSigningKey(alg);
    return {
      kid: k.kid,
      alg,
      state,
      public_jwk: JSON.stringify(k.publicJwk),
      private_jwk: await this.box.seal(JSON.stringify(k.privateJwk)),
      created_at: now,
      activated_at: state === 'current' ? now : null,
      deactivated_at: null,
      publish_until: null,
    };
  }

  private async reload(): Promise<void> {
    const version = await this.store.keys.version();
    const live = await this.store.keys.listLive();
    const signers = new Map<string, SigningKey>();
    const verifiers = new Map<string, { alg: string; key: CryptoKey | Uint8Array }>();
    const keys: JWK[] = [];
    for (const row of live) {
      const jwk = JSON.parse(row.public_jwk) as JWK;
      keys.push(jwk);
      verifiers.set(row.kid, { alg: row.alg, key: this.verifiers.get(row.kid)?.key ?? (await importJWK(jwk, row.alg)) });
      if (row.state === 'current') {
        const existing = this.signers.get(row.alg);
        if (existing?.kid === row.kid) {
          signers.set(row.alg, existing);
        } else {
          const jwk = JSON.parse(await this.box.open(row.private_jwk)) as JWK;
          const key = (await importJWK(jwk, row.alg)) as CryptoKey;
          const keyObject = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
          signers.set(row.alg, { kid: row.kid, alg: row.alg as SigningAlg, key, keyObject });
        }
      }
    }
    this.signers = signers;
    this.verifiers = verifiers;
    this.jwks = { keys };
    this.version = version;
  }
}
