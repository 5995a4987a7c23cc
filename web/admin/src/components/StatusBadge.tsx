// An upload's or a page's status, in words and a colour that says whether it went well.
const LOOK: Record<string, { text: string; tone: string }> = {
  mapping: { text: 'mapping', tone: 'busy' },
  ingesting: { text: 'reading', tone: 'busy' },
  reviewing: { text: 'in review', tone: 'busy' },
  delivering: { text: 'delivering', tone: 'busy' },
  completed: { text: 'completed', tone: 'ok' },
  completed_with_failures: { text: 'completed with failures', tone: 'bad' },
  failed: { text: 'failed', tone: 'bad' },
  expired: { text: 'expired', tone: 'warn' },
  cancelled: { text: 'cancelled', tone: 'warn' },
  pending: { text: 'pending', tone: 'busy' },
  delivered: { text: 'delivered', tone: 'ok' },
  paused: { text: 'paused', tone: 'warn' },
  active: { text: 'active', tone: 'ok' },
};

export function StatusBadge({ status }: { status: string }) {
  const look = LOOK[status] ?? { text: status.replace(/_/g, ' '), tone: '' };
  return <span className={`badge ${look.tone}`} data-status={status}>{look.text}</span>;
}

/** Statuses in which an upload's work goes on by itself: a page showing one polls until it ends. */
export const WORKING = new Set(['ingesting', 'delivering']);
