// Every status an upload or a chunk can be in, spelled once.

export const UploadStatus = Object.freeze({
  /** Interactive: the file is received, its headings wait to be mapped to columns. */
  mapping: 'mapping',
  /** The file is being read into records. */
  ingesting: 'ingesting',
  /** Interactive: records are ready to be reviewed, edited and confirmed. */
  reviewing: 'reviewing',
  delivering: 'delivering',
  completed: 'completed',
  completedWithFailures: 'completed_with_failures',
  failed: 'failed',
  /** Interactive: left in mapping or review longer than the service keeps such uploads; its file and records are gone. */
  expired: 'expired',
  /** Stopped by a cancel: pages not yet sent stay unsent, pages sent stay recorded. */
  cancelled: 'cancelled',
} as const);
export type UploadStatus = (typeof UploadStatus)[keyof typeof UploadStatus];

export const ChunkStatus = Object.freeze({
  pending: 'pending',
  delivered: 'delivered',
  /** Every attempt of the current round failed: undelivered, with its failure log. */
  failed: 'failed',
  /** Its upload was cancelled before the page was delivered: it is not sent (again). */
  cancelled: 'cancelled',
} as const);
export type ChunkStatus = (typeof ChunkStatus)[keyof typeof ChunkStatus];
