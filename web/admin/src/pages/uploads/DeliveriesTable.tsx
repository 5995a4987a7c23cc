// An upload's pages as delivered: each page's status, attempts, latency, last error and webhook-id, its attempts'
// log with the receiver's answers, and a box to choose it for redelivery.
import type { Attempt, PageLog } from '../../api.ts';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, formatMs, formatNumber } from '../../format.ts';

interface Props {
  pages: PageLog[];
  chosen: Set<number>;
  onChoose: (page: number, chosen: boolean) => void;
}

const lastError = (a: Attempt | undefined) => {
  if (!a || a.outcome === 'delivered') return null;
  return [a.httpStatus !== null ? `HTTP ${a.httpStatus}` : null, a.error ?? a.outcome.replace(/_/g, ' ')].filter(Boolean).join(': ');
};

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
              <tr key={p.page} data-page={p.page} data-status={p.status}>
                <td>
                  <input type="checkbox" aria-label={`Choose page ${p.page}`} checked={chosen.has(p.page)} disabled={p.status === 'pending'}
                    onChange={(e) => onChoose(p.page, e.target.checked)} />
                </td>
                <th scope="row" className="number">{p.page}</th>
                <td><StatusBadge status={p.status} /></td>
                <td className="number">{formatNumber(p.recordCount)}</td>
                <td className="number">{p.attempts.length}</td>
                <td className="number nowrap">{formatMs(last?.durationMs)}</td>
                <td className="last-error">
                  {lastError(last) ?? '—'}
                  {p.attempts.length > 0 && <AttemptLog page={p.page} attempts={p.attempts} />}
                </td>
                <td><code className="webhook-id">{p.webhookId}</code></td>
              </tr>
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
              <strong>{formatDate(a.at)}</strong>: {a.outcome.replace(/_/g, ' ')}
              {a.httpStatus !== null && <>, HTTP {a.httpStatus}</>}, {formatMs(a.durationMs)}
              {a.error && <> ({a.error})</>}
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
