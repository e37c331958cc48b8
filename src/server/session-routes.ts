/**
 * The web UI's login and logout. Login takes a user name and password (checked by the password
 * authenticators: password file, LDAP) or a JWT (the JWT authenticator), under the same rules as
 * a query's credentials, and only administrators get a session. The session is a signed cookie
 * (see ui-session.ts); its CSRF token is returned in the body for the UI to send back.
 */
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { Credentials } from '../auth/authenticator.js';
import type { LoginMode } from '../auth/identity.js';
import { HttpFailure } from '../protocol/errors.js';
import type { AdminApiOptions, ApiRoute } from './admin-api.js';
import { CSRF_HEADER, sessionCookie, setCookieHeader, type UiSession } from './ui-session.js';

export const loginBody = z
  .object({
    user: z.string().min(1, 'enter a user name').max(256).optional(),
    password: z.string().max(4096).optional(),
    token: z.string().min(1, 'paste a token').max(16_384).optional().describe('A JWT, for gateways with a JWT authenticator'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.token === undefined && body.user === undefined) ctx.addIssue({ code: 'custom', path: ['user'], message: 'enter a user name (or paste a token)' });
    if (body.token !== undefined && (body.user !== undefined || body.password !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'send either a token or a user name and password, not both' });
    }
  });

const MODE_HINTS: Record<LoginMode, string> = {
  'trusted-user': 'No authenticator applies to this connection: the gateway trusts the user name you type, as it trusts X-Trino-User. Only names listed as administrators get in.',
  password: 'Sign in with your user name and password.',
  token: 'Paste a JSON Web Token issued for the gateway.',
  'password-or-token': 'Sign in with your user name and password, or paste a JSON Web Token.',
  refused: "Credentials are not accepted over plain HTTP on this gateway: open the UI at the gateway's HTTPS address.",
};

export function sessionRoutes(options: AdminApiOptions, isAdmin: (who: { user: string; groups: string[] }) => boolean): ApiRoute[] {
  const { identity, sessions, operations } = options;
  const describe = (session: UiSession, mode: LoginMode) => ({
    authenticated: true,
    user: session.user,
    groups: session.groups,
    expiresAt: session.expiresAt,
    csrfToken: sessions.csrfToken(session),
    csrfHeader: CSRF_HEADER,
    loginMode: mode,
  });
  const current = (req: IncomingMessage) => {
    const cookie = sessionCookie(req);
    return cookie === undefined ? undefined : sessions.verify(cookie);
  };
  return [
    {
      method: 'GET',
      path: '/api/session',
      summary: "The UI session of this browser (with its CSRF token), or how to sign in when there is none",
      tag: 'session',
      public: true,
      run: async (ctx) => {
        const mode = identity.loginMode(identity.isSecure(ctx.req, ctx.tls));
        const session = current(ctx.req);
        return { body: session && isAdmin(session) ? describe(session, mode) : { authenticated: false, loginMode: mode, hint: MODE_HINTS[mode] } };
      },
    },
    {
      method: 'POST',
      path: '/api/session',
      summary: 'Signs in to the UI: sets the HttpOnly session cookie; administrators only',
      tag: 'session',
      public: true,
      body: loginBody,
      run: async (ctx) => {
        const body = ctx.body as z.infer<typeof loginBody>;
        const secure = identity.isSecure(ctx.req, ctx.tls);
        const credentials: Credentials = body.token !== undefined ? { kind: 'bearer', token: body.token } : { kind: 'basic', user: body.user!, password: body.password ?? '' };
        const client = ctx.req.socket.remoteAddress ?? 'unknown';
        const principal = await identity.login(credentials, client, secure);
        if (!isAdmin(principal)) {
          operations.audit.record({ actor: principal.user, action: 'ui.login', target: 'admin ui', outcome: 'denied', details: { client, reason: 'not an administrator' } });
          throw new HttpFailure(403, `Access Denied: ${principal.user} is not an administrator (admin.users, admin.groups)`);
        }
        const { session, cookie } = sessions.issue(principal.user, principal.groups);
        operations.audit.record({ actor: principal.user, action: 'ui.login', target: 'admin ui', outcome: 'success', details: { client, authenticatedBy: principal.authenticatedBy } });
        return {
          body: describe(session, identity.loginMode(secure)),
          headers: [['set-cookie', setCookieHeader(cookie, Math.floor(sessions.ttlMs / 1000), secure)]],
        };
      },
    },
    {
      method: 'DELETE',
      path: '/api/session',
      summary: 'Signs out: the session cookie stops working and is removed',
      tag: 'session',
      public: true,
      noContent: true,
      run: async (ctx) => {
        const session = current(ctx.req);
        const secure = identity.isSecure(ctx.req, ctx.tls);
        if (session) {
          const token = ctx.req.headers[CSRF_HEADER];
          if (!sessions.csrfMatches(session, Array.isArray(token) ? token[0] : token)) throw new HttpFailure(403, `Missing or wrong ${CSRF_HEADER} header`);
          sessions.revoke(session);
          operations.audit.record({ actor: session.user, action: 'ui.logout', target: 'admin ui', outcome: 'success' });
        }
        return { status: 204, headers: [['set-cookie', setCookieHeader('', 0, secure)]] };
      },
    },
  ];
}
