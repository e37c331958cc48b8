/** The shell: who is signed in, the navigation, and the page for the current path. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, setCsrfToken, whenSignedOut, type ApiError } from './api';
import { ErrorBox, Loading } from './components';
import { AccessPage } from './pages/Access';
import { AuditPage } from './pages/Audit';
import { BackendsPage } from './pages/Backends';
import { LoginPage } from './pages/Login';
import { OverviewPage } from './pages/Overview';
import { QueriesPage } from './pages/Queries';
import { QueryPage } from './pages/Query';
import { ResourceGroupsPage } from './pages/ResourceGroups';
import { Link, useLocation } from './router';
import type { SessionInfo } from './types';

const NAV = [
  { to: '/', label: 'Overview' },
  { to: '/queries', label: 'Queries' },
  { to: '/backends', label: 'Backends' },
  { to: '/resource-groups', label: 'Resource groups' },
  { to: '/access', label: 'Access' },
  { to: '/audit', label: 'Audit' },
];

export function App() {
  const [session, setSession] = useState<SessionInfo>();
  const [error, setError] = useState<ApiError>();
  const { path } = useLocation();

  const refresh = useCallback(() => {
    api<SessionInfo>('/api/session').then(
      (info) => {
        setCsrfToken(info.authenticated ? info.csrfToken : undefined);
        setSession(info);
        setError(undefined);
      },
      (err: ApiError) => setError(err),
    );
  }, []);

  useEffect(() => {
    whenSignedOut(refresh);
    refresh();
  }, [refresh]);

  const signOut = async () => {
    try {
      await api('/api/session', { method: 'DELETE' });
    } finally {
      refresh();
    }
  };

  if (error && !session) {
    return (
      <main className="centered">
        <ErrorBox error={error} onRetry={refresh} />
      </main>
    );
  }
  if (!session) return <Loading />;
  if (!session.authenticated) return <LoginPage info={session} onSignedIn={refresh} />;

  const section = NAV.slice(1).find((n) => path.startsWith(n.to))?.to ?? '/';
  return (
    <Shell user={session.user} path={path} section={section} onSignOut={() => void signOut()} />
  );
}

/** The signed-in layout. On navigation the title follows and focus moves to the new page, as after a page load. */
function Shell(props: { user: string; path: string; section: string; onSignOut: () => void }) {
  const { path, section } = props;
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    document.title = `${NAV.find((n) => n.to === section)?.label ?? 'Querygate'} · Querygate`;
    if (!first.current) main.current?.focus();
    first.current = false;
  }, [path, section]);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Querygate</span>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <Link key={n.to} to={n.to} className="nav-link" current={n.to === section}>
              {n.label}
            </Link>
          ))}
        </nav>
        <span className="who">
          Signed in as <strong>{props.user}</strong>
          <button type="button" className="button small" onClick={props.onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" ref={main} className="content" tabIndex={-1}>
        <Page path={path} />
      </main>
    </div>
  );
}

function Page(props: { path: string }) {
  const { path } = props;
  if (path === '/' || path === '') return <OverviewPage />;
  if (path === '/queries') return <QueriesPage />;
  if (path.startsWith('/queries/')) return <QueryPage id={decodeURIComponent(path.slice('/queries/'.length))} />;
  if (path === '/backends') return <BackendsPage />;
  if (path === '/resource-groups') return <ResourceGroupsPage />;
  if (path === '/access') return <AccessPage />;
  if (path === '/audit') return <AuditPage />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no page at <code>/ui{path}</code>. <Link to="/">Go to the overview</Link>.
      </p>
    </section>
  );
}
