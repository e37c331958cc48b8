/**
 * Trino's file password authenticator format: one `user:bcrypt-hash` per line (htpasswd -B),
 * re-read when the file changes.
 */
import bcrypt from 'bcryptjs';
import { ReloadingFile } from '../config/reloading-file.js';
import { AuthenticationError, type Authenticator, type Credentials, type Principal } from './authenticator.js';

const BCRYPT = /^\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{53}$/;
/** Compared against when the user is unknown, so a miss costs as much time as a wrong password. */
let dummyHash: string | undefined;

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

export class PasswordFileAuthenticator implements Authenticator {
  readonly name = 'password-file';
  readonly accepts = 'basic' as const;
  private readonly file: ReloadingFile<Map<string, string>>;

  constructor(path: string, onReloadError: (message: string) => void) {
    this.file = new ReloadingFile(path, parsePasswordFile, onReloadError);
  }

  async authenticate(credentials: Credentials): Promise<Principal> {
    if (credentials.kind !== 'basic') throw new AuthenticationError('Invalid credentials');
    const hash = this.file.value.get(credentials.user);
    dummyHash ??= bcrypt.hashSync('querygate-unknown-user', 10);
    const ok = await bcrypt.compare(credentials.password, hash ?? dummyHash);
    if (!ok || hash === undefined) throw new AuthenticationError('Invalid credentials');
    return { user: credentials.user, groups: [], authenticatedBy: this.name };
  }
}
