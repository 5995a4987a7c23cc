// One upload: its totals, each page's delivery with its attempts, redelivery of the failed pages or chosen ones, its
// invalid rows as CSV, and cancel while it runs. Refreshed every few seconds while it is read or delivered.
import { useState } from 'react';
import type { Deliveries, Upload } from '../../api.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { LoadFailed, Loading, Notice, Problem } from '../../components/Messages.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StatusBadge, WORKING } from '../../components/StatusBadge.tsx';
import { formatDate, formatNumber } from '../../format.ts';
import { Link } from '../../router.tsx';
import { describeError, useApi } from '../../use-api.ts';
import { useResource } from '../../use-resource.ts';
import { DeliveriesTable } from './DeliveriesTable.tsx';
import { UploadProgress } from './upload-progress.tsx';

const PAGES_SHOWN = 100;
const POLL_MS = 2000;
const CANCELLABLE = new Set(['mapping', 'ingesting', 'reviewing', 'delivering']);

export function UploadPage({ uploadId }: { uploadId: string }) {
  const api = useApi();
  const [fromPage, setFromPage] = useState(1);
  const found = useResource(
    async (): Promise<{ upload: Upload; deliveries: Deliveries; paused: boolean }> => {
      const [upload, deliveries] = await Promise.all([api.upload(uploadId), api.deliveries(uploadId, fromPage, PAGES_SHOWN)]);
      // Pages that wait for a paused destination look stuck: the page says why.
      const paused = upload.status === 'delivering' && upload.template
        ? await api.destination(upload.template).then((d) => Boolean(d.paused), () => false)
        : false;
      return { upload, deliveries, paused };
    },
    [uploadId, fromPage],
    (data) => (WORKING.has(data.upload.status) ? POLL_MS : null),
  );
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [news, setNews] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [cancelling, setCancelling] = useState(false);

  if (found.error) return <><PageHeader title="Upload" /><LoadFailed error={found.error} retry={found.reload} /></>;
  if (!found.data) return <Loading what="the upload" />;
  const { upload: u, deliveries, paused } = found.data;

  const redeliver = async (pages: number[] | null) => {
    setBusy(true);
    setProblem(null);
    setNews(null);
    try {
      const done = await api.redeliver(uploadId, pages);
      setNews(done.pages.length === 0 ? 'No page needed sending again.'
        : `${done.pages.length === 1 ? 'Page' : 'Pages'} ${done.pages.join(', ')} queued to be sent again.`);
      setChosen(new Set());
      await found.reload();
    } catch (err) {
      setProblem(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const choose = (page: number, on: boolean) => setChosen((all) => {
    const next = new Set(all);
    if (on) next.add(page); else next.delete(page);
    return next;
  });

  const canRedeliver = !['mapping', 'ingesting', 'reviewing', 'cancelled', 'expired'].includes(u.status) && u.totalPages > 0;
  return (
    <>
      <p className="breadcrumb"><Link to="/uploads">Uploads</Link></p>
      <PageHeader title={u.fileName ?? `Upload ${u.uploadId.slice(0, 8)}`}
        lead={<><StatusBadge status={u.status} /> {u.template && <>· template <Link to={`/templates/${encodeURIComponent(u.template)}`}><code>{u.template}</code></Link></>}</>}>
        {u.invalidRecords > 0 && (
          <a className="button" href={`/v1/uploads/${u.uploadId}/records.csv?type=invalid`} download>Download invalid rows (CSV)</a>
        )}
        {CANCELLABLE.has(u.status) && <button type="button" className="danger" onClick={() => setCancelling(true)}>Cancel upload</button>}
      </PageHeader>
      {news && <Notice>{news}</Notice>}
      {problem && <Problem>{problem}</Problem>}
      {u.error && <p className="problem">{u.error}</p>}
      {paused && u.template && (
        <p className="notice">
          The destination of template <code>{u.template}</code> is paused: these pages wait, and are sent in order once it
          is <Link to={`/templates/${encodeURIComponent(u.template)}/destination`}>resumed</Link>.
        </p>
      )}

      <ul className="totals" aria-label="Totals">
        <Total name="Rows read" value={u.totalRecords} />
        <Total name="Valid" value={u.validRecords} />
        <Total name="Invalid" value={u.invalidRecords} />
        <Total name="Pages" value={u.totalPages} />
        <Total name="Delivered" value={u.pagesDelivered} />
        <Total name="Failed" value={u.pagesFailed} />
        <Total name="Pending" value={u.pagesPending} />
      </ul>
      <section className="section" aria-labelledby="delivery-heading">
        <div className="section-head">
          <h2 id="delivery-heading">Delivery</h2>
          <UploadProgress upload={u} />
        </div>
        <dl className="facts">
          <dt>Upload id</dt><dd><code>{u.uploadId}</code></dd>
          <dt>Created</dt><dd>{formatDate(u.createdAt)}</dd>
          <dt>Finished</dt><dd>{u.finishedAt ? formatDate(u.finishedAt) : WORKING.has(u.status) ? 'not yet: refreshed every few seconds' : '—'}</dd>
        </dl>
        {canRedeliver && (
          <div className="button-row redeliver">
            <button type="button" disabled={busy || u.pagesFailed === 0} onClick={() => void redeliver(null)}>
              Redeliver failed pages ({formatNumber(u.pagesFailed)})
            </button>
            <button type="button" disabled={busy || chosen.size === 0} onClick={() => void redeliver([...chosen].sort((a, b) => a - b))}>
              Redeliver chosen pages ({chosen.size})
            </button>
          </div>
        )}
        {deliveries.total === 0
          ? <p className="empty">No pages yet: an upload's pages are planned when it is confirmed.</p>
          : <DeliveriesTable pages={deliveries.pages} chosen={chosen} onChoose={choose} />}
        {(fromPage > 1 || deliveries.nextFromPage !== null) && (
          <div className="pager">
            <button type="button" disabled={fromPage === 1} onClick={() => setFromPage(Math.max(1, fromPage - PAGES_SHOWN))}>Earlier pages</button>
            <span className="hint">Pages {formatNumber(deliveries.pages[0]?.page ?? fromPage)}–{formatNumber(deliveries.pages.at(-1)?.page ?? fromPage)} of {formatNumber(u.totalPages)}</span>
            <button type="button" disabled={deliveries.nextFromPage === null} onClick={() => setFromPage(deliveries.nextFromPage!)}>Later pages</button>
          </div>
        )}
      </section>
      {cancelling && (
        <ConfirmDialog title="Cancel this upload?" confirm="Cancel upload"
          onConfirm={async () => {
            await api.cancelUpload(uploadId);
            setNews('Upload cancelled: pages not yet delivered are not sent.');
            await found.reload();
          }}
          onClose={() => setCancelling(false)}>
          <p>Pages already delivered stay delivered; the others are not sent, now or later.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function Total({ name, value }: { name: string; value: number }) {
  return <li><span className="value">{formatNumber(value)}</span> <span className="name">{name}</span></li>;
}
