// Short messages: a failure (announced at once), a piece of news (announced politely), a load that failed with a retry.
import type { ReactNode } from 'react';
import { describeError } from '../use-api.ts';

export function Problem({ children, id }: { children: ReactNode; id?: string }) {
  return <p className="problem" role="alert" id={id}>{children}</p>;
}

export function Notice({ children }: { children: ReactNode }) {
  return <p className="notice" role="status">{children}</p>;
}

export function LoadFailed({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="problem" role="alert">
      <p>Could not load this: {describeError(error)}</p>
      <button type="button" onClick={retry}>Try again</button>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <p className="hint" role="status">Loading {what}…</p>;
}
