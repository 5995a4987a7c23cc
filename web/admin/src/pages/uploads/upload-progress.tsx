// How far an upload's delivery has come, as a bar and in words.
import type { Upload } from '../../api.ts';
import { formatNumber } from '../../format.ts';

export function UploadProgress({ upload: u }: { upload: Upload }) {
  if (u.totalPages === 0) {
    return <span className="hint">{u.status === 'ingesting' ? 'reading the file…' : 'no pages'}</span>;
  }
  const settled = u.pagesDelivered + u.pagesFailed + u.pagesCancelled;
  const words = `${formatNumber(u.pagesDelivered)} of ${formatNumber(u.totalPages)} ${u.totalPages === 1 ? 'page' : 'pages'} delivered`
    + (u.pagesFailed ? `, ${formatNumber(u.pagesFailed)} failed` : '')
    + (u.pagesPending && settled > 0 ? `, ${formatNumber(u.pagesPending)} pending` : '');
  return (
    <div className="progress-cell">
      <progress max={u.totalPages} value={u.pagesDelivered} aria-label={words} />
      <span>{words}</span>
    </div>
  );
}
