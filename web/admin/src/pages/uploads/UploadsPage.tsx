// Uploads, newest first, filtered by status, template and the day they were made; refreshed every few seconds while
// any of them is being read or delivered.
import { useId } from 'react';
import type { UploadFilter } from '../../api.ts';
import { Field } from '../../components/Field.tsx';
import { LoadFailed, Loading } from '../../components/Messages.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge, WORKING } from '../../components/StatusBadge.tsx';
import { formatDate, formatNumber } from '../../format.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import { useApi } from '../../use-api.ts';
import { useResource } from '../../use-resource.ts';
import { UploadProgress } from './upload-progress.tsx';

const PAGE_SIZE = 25;
const POLL_MS = 3000;
const STATUSES = ['mapping', 'ingesting', 'reviewing', 'delivering', 'completed', 'completed_with_failures', 'failed', 'expired', 'cancelled'];

/** A day picked in the filter (YYYY-MM-DD, the browser's time zone) as the instant it starts. */
const dayStart = (day: string, plusDays = 0) => {
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
};

export function UploadsPage() {
  const api = useApi();
  const id = useId();
  const { query } = useLocation();
  const status = query.get('status') ?? '';
  const template = query.get('template') ?? '';
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const offset = Math.max(0, Number(query.get('offset')) || 0);

  const templates = useResource(() => api.templates(), []);
  const filter: UploadFilter = {
    status: status || undefined, template: template || undefined,
    from: from ? dayStart(from) : undefined, to: to ? dayStart(to, 1) : undefined, offset, limit: PAGE_SIZE,
  };
  const list = useResource(() => api.uploads(filter), [status, template, from, to, offset],
    (data) => (data.uploads.some((u) => WORKING.has(u.status)) ? POLL_MS : null));

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(name, value); else next.delete(name);
    if (name !== 'offset') next.delete('offset');
    const text = next.toString();
    navigate(`/uploads${text ? `?${text}` : ''}`, { replace: name !== 'offset' });
  };

  const data = list.data;
  const working = data?.uploads.some((u) => WORKING.has(u.status));
  return (
    <>
      <PageHeader title="Uploads" lead="Every import, by API or through the widget, newest first." />
      <form className="filters" aria-label="Filter uploads" onSubmit={(e) => e.preventDefault()}>
        <Field label="Status">
          {(c) => (
            <select {...c} value={status} onChange={(e) => setFilter('status', e.target.value)}>
              <option value="">Any status</option>
              {STATUSES.map((s) => <option key={s} value={s}>{s.replace(/_/g, ' ')}</option>)}
            </select>
          )}
        </Field>
        <Field label="Template">
          {(c) => (
            <select {...c} value={template} onChange={(e) => setFilter('template', e.target.value)}>
              <option value="">Any template</option>
              {templates.data?.templates.map((t) => <option key={t.code} value={t.code}>{t.name} ({t.code})</option>)}
            </select>
          )}
        </Field>
        <Field label="From">
          {(c) => <input {...c} type="date" value={from} max={to || undefined} onChange={(e) => setFilter('from', e.target.value)} />}
        </Field>
        <Field label="To">
          {(c) => <input {...c} type="date" value={to} min={from || undefined} onChange={(e) => setFilter('to', e.target.value)} />}
        </Field>
      </form>
      {list.error ? <LoadFailed error={list.error} retry={list.reload} /> : null}
      {!data && !list.error && <Loading what="uploads" />}
      {data && (
        <>
          <p className="hint" id={`${id}-count`} role="status">
            {data.total === 0 ? 'No uploads match.' : `${formatNumber(data.total)} ${data.total === 1 ? 'upload' : 'uploads'}${working ? '; refreshed every few seconds while work runs' : ''}.`}
          </p>
          {data.uploads.length > 0 && (
            <div className="table-scroll">
              <table aria-describedby={`${id}-count`}>
                <thead>
                  <tr>
                    <th scope="col">File</th><th scope="col">Template</th><th scope="col">Status</th><th scope="col">Delivery</th>
                    <th scope="col" className="number">Rows</th><th scope="col" className="number">Valid</th><th scope="col" className="number">Invalid</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {data.uploads.map((u) => (
                    <tr key={u.uploadId} data-upload={u.uploadId}>
                      <th scope="row"><Link to={`/uploads/${u.uploadId}`}>{u.fileName ?? `Upload ${u.uploadId.slice(0, 8)}`}</Link></th>
                      <td>{u.template ? <code>{u.template}</code> : '—'}</td>
                      <td><StatusBadge status={u.status} /></td>
                      <td><UploadProgress upload={u} /></td>
                      <td className="number">{formatNumber(u.totalRecords)}</td>
                      <td className="number">{formatNumber(u.validRecords)}</td>
                      <td className="number">{formatNumber(u.invalidRecords)}</td>
                      <td className="nowrap">{formatDate(u.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {(offset > 0 || data.nextOffset !== null) && (
            <div className="pager">
              <button type="button" disabled={offset === 0} onClick={() => setFilter('offset', String(Math.max(0, offset - PAGE_SIZE)))}>Newer</button>
              <span className="hint">{formatNumber(offset + 1)}–{formatNumber(offset + data.uploads.length)} of {formatNumber(data.total)}</span>
              <button type="button" disabled={data.nextOffset === null} onClick={() => setFilter('offset', String(data.nextOffset))}>Older</button>
            </div>
          )}
        </>
      )}
    </>
  );
}
