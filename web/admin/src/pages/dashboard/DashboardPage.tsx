// Deliveries at a glance over the last 24 hours, 7 or 30 days: totals, and charts (uPlot, loaded after the page) of
// outcomes, success rate, latency and rows imported, each with its figures in words and in a table.
import { lazy, Suspense, useId, useState } from 'react';
import type { Stats } from '../../api.ts';
import { LoadFailed, Loading } from '../../components/Messages.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatMs, formatNumber, formatPercent } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useApi } from '../../use-api.ts';
import { useResource } from '../../use-resource.ts';

const Charts = lazy(() => import('./Charts.tsx'));

type Range = '24h' | '7d' | '30d';
const RANGES: { range: Range; label: string; hours: number; bucket: 'hour' | 'day' }[] = [
  { range: '24h', label: '24 hours', hours: 24, bucket: 'hour' },
  { range: '7d', label: '7 days', hours: 7 * 24, bucket: 'hour' },
  { range: '30d', label: '30 days', hours: 30 * 24, bucket: 'day' },
];
/** How often the figures are fetched again: soon while uploads are being read or delivered, now and then otherwise. */
const POLL_WORKING_MS = 3000;
const POLL_IDLE_MS = 30_000;

export function DashboardPage() {
  const api = useApi();
  const id = useId();
  const [range, setRange] = useState<Range>('24h');
  const chosen = RANGES.find((r) => r.range === range)!;
  const stats = useResource(async (): Promise<{ stats: Stats; working: number }> => {
    const to = new Date();
    // Whole buckets: the first starts on the hour (or the day) the range begins in.
    const from = new Date(to.getTime() - chosen.hours * 3600_000);
    if (chosen.bucket === 'hour') from.setMinutes(0, 0, 0); else from.setHours(0, 0, 0, 0);
    const [s, delivering, ingesting] = await Promise.all([
      api.stats({ from: from.toISOString(), to: to.toISOString(), bucket: chosen.bucket }),
      api.uploads({ status: 'delivering', limit: 1 }),
      api.uploads({ status: 'ingesting', limit: 1 }),
    ]);
    return { stats: s, working: delivering.total + ingesting.total };
  }, [range], (data) => (data.working > 0 ? POLL_WORKING_MS : POLL_IDLE_MS));

  const data = stats.data;
  const t = data?.stats.totals;
  return (
    <>
      <PageHeader title="Dashboard" lead="Deliveries to your webhooks, and the rows imported." />
      <div className="segmented range-picker" role="group" aria-label="Range">
        {RANGES.map((r) => (
          <button key={r.range} type="button" aria-pressed={r.range === range} onClick={() => setRange(r.range)}>Last {r.label}</button>
        ))}
      </div>
      {stats.error ? <LoadFailed error={stats.error} retry={stats.reload} /> : null}
      {!data && !stats.error && <Loading what="the figures" />}
      {data && t && (
        <>
          <p className="hint" role="status" id={`${id}-live`}>
            {data.working > 0
              ? <>{data.working} {data.working === 1 ? 'upload is' : 'uploads are'} being read or delivered: the figures refresh every few seconds. <Link to="/uploads?status=delivering">See them</Link>.</>
              : 'No upload is being delivered now.'}
          </p>
          <ul className="totals" aria-label={`Totals over the last ${chosen.label}`}>
            <li><span className="value">{formatNumber(t.attempts)}</span> <span className="name">attempts</span></li>
            <li><span className="value">{formatNumber(t.delivered)}</span> <span className="name">delivered</span></li>
            <li><span className="value">{formatNumber(t.failed)}</span> <span className="name">failed</span></li>
            <li><span className="value">{formatPercent(t.successRate)}</span> <span className="name">success rate</span></li>
            <li><span className="value">{formatMs(t.p50Ms)}</span> <span className="name">p50 latency</span></li>
            <li><span className="value">{formatMs(t.p95Ms)}</span> <span className="name">p95 latency</span></li>
            <li><span className="value">{formatNumber(t.rowsImported)}</span> <span className="name">rows imported</span></li>
            <li><span className="value">{formatNumber(t.uploads)}</span> <span className="name">uploads</span></li>
          </ul>
          {t.outcomes && Object.keys(t.outcomes).length > 0 && (
            <p className="outcomes">
              Outcomes of the attempts:{' '}
              {Object.entries(t.outcomes).map(([outcome, n], i) => (
                <span key={outcome}>{i > 0 ? ', ' : ''}{outcome.replace(/_/g, ' ')} {formatNumber(n)}</span>
              ))}
            </p>
          )}
          <Suspense fallback={<Loading what="the charts" />}>
            <Charts stats={data.stats} rangeLabel={chosen.label} />
          </Suspense>
        </>
      )}
    </>
  );
}
