// The dashboard's charts, loaded after the page (uPlot is most of their weight). Each says one thing, in a line of
// words and a table as well as in the drawing, which assistive technology skips.
import { useEffect, useId, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Stats, StatsPoint } from '../../api.ts';
import { formatMs, formatNumber, formatPercent } from '../../format.ts';

interface Line { label: string; color: string; value: (p: StatsPoint) => number | null; format: (v: number | null) => string; bars?: boolean }

const COLORS = { ok: '#1e8a44', bad: '#c53b32', blue: '#2f5bd3', orange: '#c46a00', violet: '#7b4bd1' };

export default function Charts({ stats, rangeLabel }: { stats: Stats; rangeLabel: string }) {
  const s = stats.series;
  const when = timeLabel(stats.bucket);
  const peak = (value: (p: StatsPoint) => number | null) => s.reduce<StatsPoint | null>((best, p) => {
    const v = value(p);
    return v !== null && (best === null || v > (value(best) ?? -Infinity)) ? p : best;
  }, null);
  const low = (value: (p: StatsPoint) => number | null) => s.reduce<StatsPoint | null>((best, p) => {
    const v = value(p);
    return v !== null && (best === null || v < (value(best) ?? Infinity)) ? p : best;
  }, null);
  const t = stats.totals;
  const busiest = peak((p) => p.attempts);
  const worst = low((p) => p.successRate);
  const slowest = peak((p) => p.p95Ms);
  const most = peak((p) => p.rowsImported);
  const per = bucketName(stats.bucket);

  return (
    <div className="charts">
      <Chart title="Deliveries by outcome" stats={stats}
        summary={t.attempts === 0 ? `No delivery attempts in the last ${rangeLabel}.`
          : `In the last ${rangeLabel}: ${formatNumber(t.attempts)} attempts, ${formatNumber(t.delivered)} delivered, ${formatNumber(t.failed)} failed.`
            + (busiest && busiest.attempts > 0 ? ` Busiest ${per}: ${when(busiest.at)}, ${formatNumber(busiest.attempts)} attempts.` : '')}
        lines={[
          { label: 'Delivered', color: COLORS.ok, value: (p) => p.delivered, format: count, bars: true },
          { label: 'Failed attempts', color: COLORS.bad, value: (p) => p.failedAttempts, format: count, bars: true },
        ]} />
      <Chart title="Success rate" stats={stats} percent
        summary={t.successRate === null ? `No attempts, so no success rate, in the last ${rangeLabel}.`
          : `${formatPercent(t.successRate)} of attempts delivered in the last ${rangeLabel}.`
            + (worst && worst.successRate !== null && worst.successRate < 1 ? ` Lowest ${per}: ${when(worst.at)}, ${formatPercent(worst.successRate)}.` : '')}
        lines={[{ label: 'Success rate', color: COLORS.blue, value: (p) => (p.successRate === null ? null : p.successRate * 100), format: (v) => (v === null ? '—' : formatPercent(v / 100)) }]} />
      <Chart title="Latency" stats={stats}
        summary={t.p50Ms === null ? `No attempts, so no latency, in the last ${rangeLabel}.`
          : `Half the attempts took ${formatMs(t.p50Ms)} or less, 95% took ${formatMs(t.p95Ms)} or less.`
            + (slowest && slowest.p95Ms !== null ? ` Slowest ${per}: ${when(slowest.at)}, p95 ${formatMs(slowest.p95Ms)}.` : '')}
        lines={[
          { label: 'p50', color: COLORS.blue, value: (p) => p.p50Ms, format: formatMs },
          { label: 'p95', color: COLORS.orange, value: (p) => p.p95Ms, format: formatMs },
        ]} />
      <Chart title="Rows imported" stats={stats}
        summary={`${formatNumber(t.rowsImported)} rows read from ${formatNumber(t.uploads)} ${t.uploads === 1 ? 'upload' : 'uploads'} in the last ${rangeLabel}.`
          + (most && most.rowsImported > 0 ? ` Most in one ${per}: ${when(most.at)}, ${formatNumber(most.rowsImported)}.` : '')}
        lines={[{ label: 'Rows imported', color: COLORS.violet, value: (p) => p.rowsImported, format: count, bars: true }]} />
    </div>
  );
}

/** Counts are whole: their axis steps by whole numbers. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1e6, 2e6, 5e6, 1e7];

const count = (v: number | null) => (v === null ? '—' : formatNumber(v));

/**
 * An hour bucket is an hour wherever one reads it, shown in the reader's time. A day bucket is a day of UTC (the service
 * counts days there): shown as the reader's local date of its first moment, it would be named after the day before
 * anywhere west of Greenwich, so it is named and drawn in UTC, and says so.
 */
function timeLabel(bucket: 'hour' | 'day'): (iso: string) => string {
  const f = new Intl.DateTimeFormat('en', bucket === 'hour' ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric', timeZone: 'UTC' });
  return (iso) => f.format(new Date(iso));
}

const bucketName = (bucket: 'hour' | 'day') => (bucket === 'hour' ? 'hour' : 'day (UTC)');

function Chart({ title, summary, lines, stats, percent = false }: { title: string; summary: string; lines: Line[]; stats: Stats; percent?: boolean }) {
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const when = timeLabel(stats.bucket);

  useEffect(() => {
    const el = box.current!;
    const css = getComputedStyle(document.documentElement);
    const ink = css.getPropertyValue('--muted').trim() || '#5b6170';
    const grid = css.getPropertyValue('--border').trim() || '#d5d8de';
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    // Two bar series sit either side of their bucket's time: one ends there, the other starts there.
    const barsOf = (i: number) => uPlot.paths.bars!({
      size: [lines.length > 1 ? 0.4 : 0.7, 40], gap: 1, align: lines.length === 1 ? 0 : i === 0 ? -1 : 1,
    });
    const x = stats.series.map((p) => new Date(p.at).getTime() / 1000);
    // A bar of nothing is not drawn (null), rather than as a stroke along the axis.
    const data: uPlot.AlignedData = [x, ...lines.map((l) => stats.series.map((p) => {
      const v = l.value(p);
      return l.bars && v === 0 ? null : v;
    }))];
    // Half a bucket either side, so the first and last bars are drawn whole.
    const half = (stats.bucket === 'hour' ? 3600 : 86_400) / 2;
    const plot = new uPlot({
      width: Math.max(240, el.clientWidth),
      height: 200,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      ...(stats.bucket === 'day' ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') } : {}),
      scales: { x: { time: true, range: (_u, min, max) => [min - half, max + half] }, y: percent ? { range: [0, 100] } : { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { ...axis },
        { ...axis, size: 56, ...(percent || lines[0].format === formatMs ? {} : { incrs: WHOLE_STEPS }), values: (_u, ticks) => ticks.map((v) => (percent ? `${v}%` : lines[0].format === formatMs ? formatMs(v) : formatNumber(v))) },
      ],
      series: [
        {},
        ...lines.map((l, i) => ({
          label: l.label,
          stroke: l.color,
          width: 2,
          fill: l.bars ? `${l.color}cc` : undefined,
          paths: l.bars ? barsOf(i) : undefined,
          points: { show: !l.bars && stats.series.length <= 48 },
          spanGaps: false,
        })),
      ],
    }, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height: 200 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
    // A chart's lines are fixed by its title; only new figures draw it again.
  }, [stats, percent]);

  return (
    <figure className="chart section" aria-labelledby={`${id}-title`}>
      <figcaption>
        <h2 id={`${id}-title`}>{title}</h2>
        <p className="chart-summary">{summary}</p>
      </figcaption>
      <div ref={box} className="chart-canvas" aria-hidden="true" />
      <details>
        <summary>{title}: the figures<span className="visually-hidden"> as a table</span></summary>
        <div className="table-scroll chart-table" tabIndex={0} role="region" aria-label={`${title}, by ${stats.bucket}`}>
          <table>
            <thead>
              <tr><th scope="col">{stats.bucket === 'hour' ? 'Hour' : 'Day (UTC)'}</th>{lines.map((l) => <th key={l.label} scope="col" className="number">{l.label}</th>)}</tr>
            </thead>
            <tbody>
              {stats.series.map((p) => (
                <tr key={p.at}><th scope="row" className="nowrap">{when(p.at)}</th>{lines.map((l) => <td key={l.label} className="number">{l.format(l.value(p))}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
