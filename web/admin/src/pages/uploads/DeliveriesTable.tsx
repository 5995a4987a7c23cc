// An upload's pages as delivered: each page's status, attempts, latency, last error and webhook-id, its attempts'
// log with the receiver's answers, and a box to choose it for redelivery.
import { Fragment } from 'react';
import type { Attempt, PageLog } from '../../api.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDateSeconds, formatMs, formatNumber } from '../../format.ts';

interface Props {
  pages: PageLog[];
  chosen: Set<number>;
  onChoose: (page: number, chosen: boolean) => void;
}

/** What went wrong in an attempt, once: its HTTP status, and the error when it says more than the status. */
const whatWentWrong = (a: Attempt) => {
  const status = a.httpStatus !== null ? `HTTP ${a.httpStatus}` : null;
  const error = a.error && a.error !== status ? a.error : null;
  return [status, error ?? (status ? null : a.outcome.replace(/_/g, ' '))].filter(Boolean).join(': ');
};

const lastError = (a: Attempt | undefined) => (!a || a.outcome === 'delivered' ? null : whatWentWrong(a));

export function DeliveriesTable({ pages, chosen, onChoose }: Props) {
  return (
    <div className="table-scroll">
      <table className="deliveries">
        <thead>
          <tr>
            <th scope="col"><span className="visually-hidden">Choose</span></th>
            <th scope="col" className="number">Page</th><th scope="col">Status</th><th scope="col" className="number">Records</th>
            <th scope="col" className="number">Attempts</th><th scope="col" className="number">Latency</th><th scope="col">Last error</th>
            <th scope="col">webhook-id</th>
          </tr>
        </thead>
        <tbody>
          {pages.map((p) => {
            const last = p.attempts.at(-1);
            return (
              <Fragment key={p.page}>
                <tr data-page={p.page} data-status={p.status}>
                  <td>
                    <input type="checkbox" aria-label={`Choose page ${p.page}`} checked={chosen.has(p.page)} disabled={p.status === 'pending'}
                      onChange={(e) => onChoose(p.page, e.target.checked)} />
                  </td>
                  <th scope="row" className="number">{p.page}</th>
                  <td><StatusBadge status={p.status} /></td>
                  <td className="number">{formatNumber(p.recordCount)}</td>
                  <td className="number">{p.attempts.length}</td>
                  <td className="number nowrap">{formatMs(last?.durationMs)}</td>
                  <td className="last-error">{lastError(last) ?? '—'}</td>
                  <td><code className="webhook-id">{p.webhookId}</code></td>
                </tr>
                {p.attempts.length > 0 && (
                  <tr className="log-row" data-log-of={p.page}>
                    <td />
                    <td colSpan={7}><AttemptLog page={p.page} attempts={p.attempts} /></td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function AttemptLog({ page, attempts }: { page: number; attempts: Attempt[] }) {
  return (
    <details className="attempt-log">
      <summary>Attempt log<span className="visually-hidden"> of page {page}</span> ({attempts.length})</summary>
      <ol>
        {attempts.map((a, i) => (
          <li key={i}>
            <p>
              <strong>{formatDateSeconds(a.at)}</strong>: {a.outcome === 'delivered' ? `delivered, HTTP ${a.httpStatus}` : whatWentWrong(a)}, in {formatMs(a.durationMs)}
            </p>
            {a.responseExcerpt !== null && a.responseExcerpt !== '' && (
              <pre className="excerpt" tabIndex={0} aria-label={`Response to attempt ${i + 1} of page ${page}`}>{a.responseExcerpt}</pre>
            )}
          </li>
        ))}
      </ol>
    </details>
  );
}
