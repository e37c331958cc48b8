import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useAction } from '../hooks';
import { ErrorBox } from '../components';
import type { SessionInfo } from '../types';

export function LoginPage(props: { info: Extract<SessionInfo, { authenticated: false }>; onSignedIn: () => void }) {
  const { loginMode, hint } = props.info;
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const [useToken, setUseToken] = useState(loginMode === 'token');
  const login = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void login.run(async () => {
      const body = useToken ? { token: token.trim() } : loginMode === 'trusted-user' ? { user } : { user, password };
      await api('/api/session', { method: 'POST', body });
      props.onSignedIn();
    });
  };

  return (
    <main className="centered">
      <form className="card login" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Querygate</h1>
        <p className="hint">{hint}</p>
        {loginMode !== 'refused' && (
          <>
            {loginMode === 'password-or-token' && (
              <div className="segmented" role="group" aria-label="Sign-in method">
                <button type="button" className={!useToken ? 'on' : ''} aria-pressed={!useToken} onClick={() => setUseToken(false)}>
                  Password
                </button>
                <button type="button" className={useToken ? 'on' : ''} aria-pressed={useToken} onClick={() => setUseToken(true)}>
                  Token
                </button>
              </div>
            )}
            {useToken ? (
              <label>
                JSON Web Token
                <textarea name="token" rows={4} value={token} onChange={(e) => setToken(e.target.value)} required autoFocus />
              </label>
            ) : (
              <>
                <label>
                  User name
                  <input name="user" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} required autoFocus />
                </label>
                {loginMode !== 'trusted-user' && (
                  <label>
                    Password
                    <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
                  </label>
                )}
              </>
            )}
            {login.error && <ErrorBox error={login.error} />}
            <button type="submit" className="button primary wide" disabled={login.busy}>
              {login.busy ? 'Signing in…' : 'Sign in'}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
