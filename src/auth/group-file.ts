/**
 * Trino's group provider file: `group:user1,user2` per line. Reloaded when it changes.
 */
import { ReloadingFile } from '../config/reloading-file.js';

export function parseGroupFile(text: string, path: string): Map<string, string[]> {
  const groupsByUser = new Map<string, string[]>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`${path} line ${index + 1}: expected 'group:user1,user2'`);
    const group = line.slice(0, colon).trim();
    for (const user of line.slice(colon + 1).split(',').map((u) => u.trim()).filter((u) => u !== '')) {
      groupsByUser.set(user, [...(groupsByUser.get(user) ?? []), group]);
    }
  });
  return groupsByUser;
}

export class GroupFile {
  private readonly file: ReloadingFile<Map<string, string[]>>;

  constructor(path: string, onReloadError: (message: string) => void) {
    this.file = new ReloadingFile(path, parseGroupFile, onReloadError);
  }

  groupsOf(user: string): string[] {
    return this.file.value.get(user) ?? [];
  }
}
