import { useState } from 'react';
import { api } from '../api';
import { ConfirmDialog } from '../components';
import { useAction } from '../hooks';
import type { QueryRecord } from '../types';

/** The cancel button of a live query, with its confirmation. */
export function CancelQuery(props: { query: QueryRecord; onCanceled: () => void }) {
  const [open, setOpen] = useState(false);
  const action = useAction();
  const { query } = props;
  const cancel = () =>
    action.run(async () => {
      await api(`/api/queries/${encodeURIComponent(query.id)}/cancel`, { method: 'POST' });
      setOpen(false);
      props.onCanceled();
    });
  return (
    <>
      <button type="button" className="button small danger" aria-label={`Cancel query ${query.id}`} onClick={() => setOpen(true)}>
        Cancel
      </button>
      <ConfirmDialog
        open={open}
        title="Cancel this query?"
        confirmLabel="Cancel query"
        danger
        busy={action.busy}
        error={action.error}
        onConfirm={() => void cancel()}
        onClose={() => {
          setOpen(false);
          action.reset();
        }}
      >
        <p>
          Query <code>{query.id}</code> of <strong>{query.user}</strong> on <strong>{query.backend ?? 'no backend yet'}</strong> will be stopped on the backend; its client receives a
          &ldquo;canceled&rdquo; error. This cannot be undone.
        </p>
        <pre className="sql small">{query.statement.slice(0, 500)}</pre>
      </ConfirmDialog>
    </>
  );
}
