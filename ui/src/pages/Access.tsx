import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { api } from '../api';
import { Badge, Empty, ErrorBox, Loading } from '../components';
import { useAction, usePolling } from '../hooks';
import type { RulesView, Simulation } from '../types';

export function AccessPage() {
  return (
    <section>
      <h1>Access</h1>
      <div className="columns wide-right">
        <Rules />
        <Simulator />
      </div>
    </section>
  );
}

function Rules() {
  const rules = usePolling(() => api<RulesView>('/api/access/rules'), undefined, []);
  return (
    <div className="card">
      <h2>Rules in force</h2>
      {rules.error && <ErrorBox error={rules.error} onRetry={rules.reload} />}
      {rules.loading && !rules.data && <Loading />}
      {rules.data &&
        (!rules.data.configured ? (
          <Empty title="No access control is configured">Every statement is allowed. Set accessControl.rulesFile to a Trino rules.json to govern access.</Empty>
        ) : (
          <>
            <p className="small muted">
              From <code>{rules.data.source}</code>. In each section the first matching rule decides.
            </p>
            {rules.data.sections.map((section) => (
              <details key={section.name} open={section.name === 'tables' || section.name === 'catalogs'}>
                <summary>
                  {section.name} <span className="muted">({section.rules.length})</span>
                </summary>
                <ol className="rules">
                  {section.rules.map((r) => (
                    <li key={r.path}>
                      <code className="rule-path">{r.path}</code>
                      <code className="rule-body">{JSON.stringify(r.rule)}</code>
                    </li>
                  ))}
                </ol>
              </details>
            ))}
          </>
        ))}
    </div>
  );
}

function Simulator() {
  const [user, setUser] = useState('');
  const [groups, setGroups] = useState('');
  const [catalog, setCatalog] = useState('');
  const [schema, setSchema] = useState('');
  const [sql, setSql] = useState('');
  const [result, setResult] = useState<Simulation>();
  const simulate = useAction();

  const run = () =>
    simulate.run(async () => {
      setResult(undefined);
      const body = {
        user: user.trim(),
        groups: groups.split(',').map((g) => g.trim()).filter((g) => g !== ''),
        sql,
        ...(catalog.trim() ? { catalog: catalog.trim() } : {}),
        ...(schema.trim() ? { schema: schema.trim() } : {}),
      };
      setResult(await api<Simulation>('/api/access/simulate', { method: 'POST', body }));
    });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run();
  };
  // In the statement box Enter makes a new line; Ctrl+Enter (or Cmd+Enter) runs the simulation.
  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void run();
    }
  };

  return (
    <div className="card">
      <h2>Simulator</h2>
      <p className="small muted">How the rules decide a statement for a user, as <code>querygate explain-access</code> prints it. Nothing is run.</p>
      <form className="simulator" onSubmit={submit} aria-label="Access simulator">
        <div className="row">
          <label>
            User
            <input name="sim-user" value={user} onChange={(e) => setUser(e.target.value)} required />
          </label>
          <label>
            Groups
            <input name="sim-groups" value={groups} placeholder="comma-separated: analysts, bi" onChange={(e) => setGroups(e.target.value)} />
          </label>
        </div>
        <div className="row">
          <label>
            Catalog
            <input name="sim-catalog" value={catalog} onChange={(e) => setCatalog(e.target.value)} />
          </label>
          <label>
            Schema
            <input name="sim-schema" value={schema} onChange={(e) => setSchema(e.target.value)} />
          </label>
        </div>
        <label>
          Statement <span className="muted small">(Ctrl+Enter to run)</span>
          <textarea name="sim-sql" rows={4} className="mono" value={sql} onChange={(e) => setSql(e.target.value)} onKeyDown={onKey} required />
        </label>
        <button type="submit" className="button primary" disabled={simulate.busy}>
          {simulate.busy ? 'Evaluating…' : 'Explain decision'}
        </button>
      </form>
      {simulate.error && <ErrorBox error={simulate.error} />}
      {result && (
        <div className="sim-result" aria-live="polite">
          <div className="verdict">
            {result.allowed ? <Badge tone="ok">allowed</Badge> : <Badge tone="bad">denied</Badge>}
            {result.message && <span>{result.message}</span>}
            {result.route && (
              <span className="muted small">
                → group <code>{result.route.group}</code> ({result.route.reason})
              </span>
            )}
          </div>
          {result.checks.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col">Resource</th>
                  <th scope="col">Result</th>
                  <th scope="col">Decided by</th>
                </tr>
              </thead>
              <tbody>
                {result.checks.map((c, i) => (
                  <tr key={i}>
                    <td>{c.check}</td>
                    <td>
                      <code>{c.resource}</code>
                    </td>
                    <td>{c.allowed ? <Badge tone="ok">allow</Badge> : <Badge tone="bad">deny</Badge>}</td>
                    <td>
                      <code>{c.decidedBy}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <pre className="explain">{result.text}</pre>
        </div>
      )}
    </div>
  );
}
