import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';

/** Encrypts small secrets at rest (private JWKs) under a key derived from the deployment secret. */
export class SecretBox {
  private readonly key: Uint8Array;

  constructor(deploymentSecret: string) {
    this.key = new Uint8Array(hkdfSync('sha256', deploymentSecret, 'lanekeeper', 'lanekeeper signing keys at rest v1', 32));
  }

  async seal(plaintext: string): Promise<string> {
    return new CompactEncrypt(new TextEncoder().encode(plaintext)).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(this.key);
  }

  async open(sealed: string): Promise<string> {
    try {
      const { plaintext } = await compactDecrypt(sealed, this.key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
      return new TextDecoder().decode(plaintext);
    } catch {
      throw new Error('cannot decrypt a signing key: the deployment secret differs from the one the keys were created with');
    }
  }
}
