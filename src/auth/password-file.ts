/**
 * Trino's file password authenticator format: one `user:bcrypt-hash` per line (htpasswd -B),
 * re-read when the file changes.
 */
import { randomBytes } from 'node:crypto';
import { ReloadingFile } from '../config/reloading-file.js';
import { AuthenticationError, type Authenticator, type Credentials, type Principal } from './authenticator.js';
import { PasswordHashing } from './password-hashing.js';

const BCRYPT = /^\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{53}$/;

export interface PasswordFile {
  users: Map<string, string>;
  /** The median cost of the file's hashes: an unknown user is checked at this cost. */
  cost: number;
}

/** One pool for every password file: the bound on concurrent hashing is per process. */
let sharedHashing: PasswordHashing | undefined;

export function parsePasswordFile(text: string, path: string): Map<string, string> {
  const users = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    if (colon <= 0 || !BCRYPT.test(hash)) {
      throw new Error(`${path} line ${index + 1}: expected 'user:bcrypt-hash' (htpasswd -B)`);
    }
    users.set(user, hash);
  });
  return users;
}

function withCost(users: Map<string, string>): PasswordFile {
  const costs = [...users.values()].map((hash) => Number(hash.slice(4, 6))).sort((a, b) => a - b);
  // bcrypt accepts costs 4 to 31; an empty file falls back to bcryptjs's default.
  return { users, cost: costs.length === 0 ? 10 : Math.max(4, costs[Math.floor(costs.length / 2)]!) };
}

export class PasswordFileAuthenticator implements Authenticator {
  readonly name = 'password-file';
  readonly accepts = 'basic' as const;
  private readonly file: ReloadingFile<PasswordFile>;
  /**
   * Hashes of a random secret, by cost, compared against when the user is unknown: a miss costs
   * as much as a wrong password for a user of the file (no user-enumeration by timing).
   */
  private readonly dummyHashes = new Map<number, Promise<string>>();

  constructor(
    path: string,
    onReloadError: (message: string) => void,
    private readonly hashing: PasswordHashing = (sharedHashing ??= new PasswordHashing()),
  ) {
    this.file = new ReloadingFile(path, (text, file) => withCost(parsePasswordFile(text, file)), onReloadError);
  }

  async authenticate(credentials: Credentials): Promise<Principal> {
    if (credentials.kind !== 'basic') throw new AuthenticationError('Invalid credentials');
    const { users, cost } = this.file.value;
    const hash = users.get(credentials.user);
    const ok = await this.hashing.compare(credentials.password, hash ?? (await this.dummyHash(cost)));
    if (!ok || hash === undefined) throw new AuthenticationError('Invalid credentials');
    return { user: credentials.user, groups: [], authenticatedBy: this.name };
  }

  private dummyHash(cost: number): Promise<string> {
    let hash = this.dummyHashes.get(cost);
    if (hash === undefined) {
      hash = this.hashing.hash(randomBytes(16).toString('base64'), cost);
      // A refused hash (the pool was full) is tried again next time.
      hash.catch(() => this.dummyHashes.delete(cost));
      this.dummyHashes.set(cost, hash);
    }
    return hash;
  }
}
