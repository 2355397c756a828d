import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, randomFillSync, type KeyObject } from 'node:crypto';

/** One AES-256 key and the id stored beside every ciphertext it made. */
export interface VaultKey {
  id: string;
  key: Buffer;
}

export class VaultError extends Error {
  override name = 'VaultError';
}

const VERSION = 'v1';
const IV_BYTES = 12;
/** GCM accepts tags as short as 4 bytes unless told otherwise; a short tag would make forgeries cheap. */
const TAG_BYTES = 16;

/**
 * IVs are cut from a buffer filled from the CSPRNG 1,024 IVs at a time, each handed out once:
 * randomBytes(12) per IV took ~2 µs, nearly all of it the call rather than the randomness.
 */
const ivPool = Buffer.alloc(IV_BYTES * 1024);
let ivOffset = ivPool.length;

/** A fresh random IV, as base64 (the pool's bytes are reused once it refills). */
function nextIv(): { bytes: Buffer; base64: string } {
  if (ivOffset === ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const bytes = ivPool.subarray(ivOffset, (ivOffset += IV_BYTES));
  return { bytes, base64: bytes.toString('base64') };
}

/**
 * Encrypts credentials with AES-256-GCM. The first key encrypts; every key decrypts, so keys rotate
 * by putting a new one first. `aad` binds a ciphertext to its owner: a blob copied onto another
 * tenant's record will not decrypt.
 */
export class CredentialVault {
  /** The keys as KeyObjects, made once: a Buffer key is checked and copied again by every cipher. */
  private readonly byId: Map<string, KeyObject>;

  constructor(private readonly keys: VaultKey[]) {
    if (keys.length === 0) throw new VaultError('the credential vault needs at least one encryption key');
    this.byId = new Map(keys.map((k) => [k.id, createSecretKey(k.key)]));
  }

  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  encrypt(plaintext: string, aad: string): string {
    const id = this.currentKeyId;
    const iv = nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.byId.get(id)!, iv.bytes, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${VERSION}.${id}.${iv.base64}.${tag.toString('base64')}.${body.toString('base64')}`;
  }

  decrypt(blob: string, aad: string): string {
    const [version, kid, iv, tag, body] = blob.split('.');
    if (version !== VERSION || !kid || !iv || !tag || body === undefined) throw new VaultError('credential blob is malformed');
    const key = this.byId.get(kid);
    if (!key) throw new VaultError(`credential was encrypted with key id "${kid}", which is not in LINKER_ENCRYPTION_KEYS`);
    const ivBytes = Buffer.from(iv, 'base64');
    const tagBytes = Buffer.from(tag, 'base64');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) {
      throw new VaultError(`credential blob is malformed: IV of ${ivBytes.length} bytes and tag of ${tagBytes.length} bytes (expected ${IV_BYTES} and ${TAG_BYTES})`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultError('credential failed authentication: wrong key or tampered ciphertext');
    }
  }

  /** True when `blob` was written with an older key and should be re-encrypted on the next write. */
  isStale(blob: string): boolean {
    return blob.split('.')[1] !== this.currentKeyId;
  }
}

/** Parses `kid:base64key,…` (each key 32 bytes). */
export function parseVaultKeys(value: string): VaultKey[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const sep = part.indexOf(':');
      const id = part.slice(0, sep);
      const key = Buffer.from(part.slice(sep + 1), 'base64');
      if (sep < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
        throw new VaultError(`LINKER_ENCRYPTION_KEYS entry must look like "kid:base64key" (got an entry without a valid key id)`);
      }
      if (key.length !== 32) {
        throw new VaultError(`LINKER_ENCRYPTION_KEYS key "${id}" must be 32 bytes of base64 (got ${key.length} bytes); make one with: openssl rand -base64 32`);
      }
      return { id, key };
    });
}

export function generateVaultKeySpec(id = 'dev1'): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}
