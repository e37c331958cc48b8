/** Pieces every page uses: badges, empty and error states, the confirmation dialog, formatting. */
import { useEffect, useRef, type ReactNode } from 'react';
import type { ApiError } from './api';

export function Badge(props: { tone: 'ok' | 'warn' | 'bad' | 'muted' | 'info'; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${props.tone}`} title={props.title}>
      {props.children}
    </span>
  );
}

const STATE_TONES: Record<string, 'ok' | 'warn' | 'bad' | 'muted' | 'info'> = {
  active: 'ok',
  draining: 'warn',
  inactive: 'muted',
  RUNNING: 'info',
  QUEUED: 'warn',
  FINISHED: 'ok',
  FAILED: 'bad',
  CANCELED: 'muted',
  ABANDONED: 'muted',
  success: 'ok',
  allowed: 'ok',
  failure: 'bad',
  denied: 'bad',
  throttled: 'warn',
};

export function StateBadge(props: { state: string }) {
  return <Badge tone={STATE_TONES[props.state] ?? 'muted'}>{props.state}</Badge>;
}

/** What the operator can do about an error, by its status. */
function advice(error: ApiError): string | undefined {
  if (error.status === 0) return undefined;
  if (error.status === 403) return 'Your account may not do this: ask for admin.users or admin.groups in the gateway configuration.';
  if (error.status === 503) return 'The history database is not reachable; the gateway keeps records until it is back. Try again in a moment.';
  if (error.status >= 500) return 'The gateway failed to answer; its log has the details.';
  return undefined;
}

export function ErrorBox(props: { error: ApiError; onRetry?: () => void }) {
  const hint = advice(props.error);
  return (
    <div className="error-box" role="alert">
      {/* The API's message already names the field in error. */}
      <div>{props.error.message}</div>
      {hint && <div className="hint">{hint}</div>}
      {props.onRetry && (
        <button type="button" className="button small" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty(props: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-title">{props.title}</div>
      {props.children && <div className="empty-text">{props.children}</div>}
    </div>
  );
}

export function Loading() {
  return (
    <div className="loading" role="status">
      Loading…
    </div>
  );
}

/**
 * A page's title row: the title, what stands beside it, when its data was updated, and (for a
 * page that does not update live) a Refresh button.
 */
export function PageHead(props: { title: ReactNode; updatedAt: number | undefined; live?: boolean; onRefresh?: () => void; children?: ReactNode }) {
  return (
    <div className="page-head">
      <h1>{props.title}</h1>
      {props.children}
      <Updated at={props.updatedAt} live={props.live} />
      {props.onRefresh && (
        <button type="button" className="button small" onClick={props.onRefresh}>
          Refresh
        </button>
      )}
    </div>
  );
}

export function Updated(props: { at: number | undefined; live?: boolean }) {
  if (props.at === undefined) return null;
  return (
    <span className="updated" aria-live="off">
      {props.live && <span className="pulse" aria-hidden="true" />}
      {props.live ? 'Live · ' : ''}updated {new Date(props.at).toLocaleTimeString()}
    </span>
  );
}

/**
 * A modal confirmation (the browser's own <dialog>: focus moves into it, Escape cancels, focus
 * returns to the button that opened it).
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: ApiError | undefined;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="dialog-title" onClose={props.onClose} onCancel={props.onClose}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          props.onConfirm();
        }}
      >
        <h2 id="dialog-title">{props.title}</h2>
        <div className="dialog-body">{props.children}</div>
        {props.error && <ErrorBox error={props.error} />}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose} autoFocus>
            Keep as is
          </button>
          <button type="submit" className={`button ${props.danger ? 'danger' : 'primary'}`} disabled={props.busy}>
            {props.busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const date = new Date(ms);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString();
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatCount(n: number | undefined): string {
  return n === undefined ? '—' : n.toLocaleString();
}
