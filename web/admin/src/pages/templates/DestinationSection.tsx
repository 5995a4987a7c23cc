// A template's webhook destination: whether deliveries run or are paused, its settings, a test send and its signing
// secret. A new template arrives here first, after it is made.
import { useId, useState } from 'react';
import { ApiError, type Destination, type Template } from '../../api.ts';
import { LoadFailed, Loading, Notice, Problem } from '../../components/Messages.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../format.ts';
import { useLocation } from '../../router.tsx';
import { describeError, useApi } from '../../use-api.ts';
import { useResource } from '../../use-resource.ts';
import { DestinationForm } from './DestinationForm.tsx';
import { SigningSecret } from './SigningSecret.tsx';
import { TestDelivery } from './TestDelivery.tsx';

export function DestinationSection({ template }: { template: Template }) {
  const api = useApi();
  const { query } = useLocation();
  const found = useResource(() => api.destination(template.code).catch((err) => {
    if (err instanceof ApiError && err.status === 404 && err.code === 'not_found') return null;
    throw err;
  }), [template.code]);
  const [current, setCurrent] = useState<Destination | null | undefined>(undefined);

  if (found.error) return <LoadFailed error={found.error} retry={found.reload} />;
  if (found.data === undefined) return <Loading what="the destination" />;
  const destination = current === undefined ? found.data : current;

  return (
    <>
      {query.get('created') && <Notice>Template “{template.name}” created. Enable its webhook to receive the rows of its imports.</Notice>}
      {destination && <PauseControl code={template.code} destination={destination} onChange={setCurrent} />}
      <DestinationForm code={template.code} destination={destination}
        onSaved={setCurrent} />
      {destination && <TestDelivery code={template.code} authHeaderName={destination.webhook.authHeaderName} />}
      {destination && <SigningSecret code={template.code} />}
    </>
  );
}

function PauseControl({ code, destination, onChange }: { code: string; destination: Destination; onChange: (d: Destination) => void }) {
  const api = useApi();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const paused = Boolean(destination.paused);

  const toggle = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const next = paused ? await api.resumeDestination(code) : await api.pauseDestination(code);
      // The answer is the destination as GET tells it; the settings form keeps its own draft.
      onChange({ ...destination, paused: next.paused, pausedAt: next.pausedAt ?? null });
    } catch (err) {
      setProblem(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="section pause" aria-labelledby={`${id}-heading`}>
      <div className="section-head">
        <h2 id={`${id}-heading`}>Deliveries</h2>
        <button type="button" className={paused ? 'primary' : undefined} disabled={busy} onClick={() => void toggle()}>
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      <p role="status">
        <StatusBadge status={paused ? 'paused' : 'active'} />{' '}
        {paused
          ? `Paused${destination.pausedAt ? ` since ${formatDate(destination.pausedAt)}` : ''}: imports are read and confirmed, their pages wait, and are sent in order on resume.`
          : 'Pages are sent as imports are confirmed.'}
      </p>
      {problem && <Problem>{problem}</Problem>}
    </section>
  );
}
