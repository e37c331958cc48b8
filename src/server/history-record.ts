/**
 * What history records of a submitted statement, whichever path records it (dispatched to a
 * backend, failed in the gateway queue, answered by the metadata service): who sent what, when,
 * and (`accessRecord`) the access decision it passed. Callers add the routing and the state.
 */
import type { Submission } from '../engines/backend.js';
import type { QueryRecord } from '../tracking/types.js';

type Submitted = Omit<Submission, 'events'>;

export function submittedRecord(id: string, submission: Submitted): Omit<QueryRecord, 'state'> {
  return {
    id,
    user: submission.user,
    principal: submission.principal,
    ...(submission.session.source !== undefined ? { source: submission.session.source } : {}),
    clientTags: submission.session.clientTags,
    // The client's text: a statement rewritten for row filters and masks records what the user sent.
    statement: submission.originalSql ?? submission.sql,
    createdAt: submission.receivedAt,
  };
}

export function accessRecord(submission: Submitted): Pick<QueryRecord, 'access' | 'tables' | 'columns'> {
  const { access } = submission;
  return access ? { access: { decision: access.decision, rule: access.rules }, tables: access.tables, columns: access.columns } : {};
}
