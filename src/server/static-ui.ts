/**
 * Serves the web UI (ui/, built by Vite into ui/dist) under /ui/: hashed assets cached for a
 * year, everything else revalidated, and any other path under /ui/ answered with index.html so
 * the browser's own router shows the page (links and reloads work). Nothing is fetched from
 * anywhere but the gateway.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpFailure } from '../protocol/errors.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export class StaticUi {
  private readonly files = new Map<string, Buffer>();

  constructor(private readonly root = fileURLToPath(new URL('../../../ui/dist/', import.meta.url))) {}

  /** Answers `/`, `/ui` and everything under `/ui/`. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string, search: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpFailure(405, 'Method not allowed');
    if (path === '/' || path === '/ui') return redirect(res, '/ui/');
    // Trino clients print infoUri (/ui/query.html?<id>): show that query's page.
    if (path === '/ui/query.html') return redirect(res, `/ui/queries/${encodeURIComponent(search.replace(/[^A-Za-z0-9_]/g, ''))}`);
    let relative: string;
    try {
      relative = normalize(decodeURIComponent(path.slice('/ui/'.length)));
    } catch {
      throw new HttpFailure(400, 'Malformed path');
    }
    if (relative.startsWith('..') || relative.includes(`${sep}..`) || relative.includes('\0')) throw new HttpFailure(404, 'Not found');
    const asset = relative.startsWith(`assets${sep}`);
    let file = relative === '.' || relative === '' || extname(relative) === '' ? 'index.html' : relative;
    let body = await this.read(file);
    if (body === undefined && !asset) {
      file = 'index.html';
      body = await this.read(file);
    }
    if (body === undefined) {
      if (file === 'index.html') throw new HttpFailure(503, 'The web UI is not built: run `npm run build:ui` (npm install does it)');
      throw new HttpFailure(404, 'Not found');
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      // Vite puts a content hash in every asset's name: a changed file is a new name.
      'cache-control': asset ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private async read(file: string): Promise<Buffer | undefined> {
    const cached = this.files.get(file);
    if (cached) return cached;
    try {
      const body = await readFile(`${this.root}${file}`);
      this.files.set(file, body);
      return body;
    } catch {
      return undefined;
    }
  }
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-length': 0 });
  res.end();
}
