// Sends one sample page to the destination as a delivery would, and shows what the receiver answered.
import { useId, useState, type FormEvent } from 'react';
import type { TestDelivery as Result } from '../../api.ts';
import { Field } from '../../components/Field.tsx';
import { Problem } from '../../components/Messages.tsx';
import { formatMs } from '../../format.ts';
import { describeError, useApi } from '../../use-api.ts';

export function TestDelivery({ code, authHeaderName }: { code: string; authHeaderName: string | null }) {
  const api = useApi();
  const id = useId();
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setResult(null);
    try {
      setResult(await api.testDestination(code, value || undefined));
    } catch (err) {
      setProblem(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const ok = result?.outcome === 'delivered';
  return (
    <form className="section" onSubmit={send} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Send a test</h2>
      <p className="hint">One page of sample records, signed and sent as a delivery is, with <code>uploadId</code> “test”. It counts against the rate limit, not against any upload.</p>
      {authHeaderName && (
        <Field label={`Value of ${authHeaderName} for the test`} hint="Optional: what your backend would give as authHeaderValue. Sent with this test only, never saved.">
          {(c) => <input {...c} type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />}
        </Field>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>{busy ? 'Sending…' : 'Send test'}</button>
      </div>
      <div role="status" aria-live="polite">
        {result && (
          <div className={ok ? 'test-result ok' : 'test-result bad'}>
            <p className="test-outcome">
              <span className={ok ? 'badge ok' : 'badge bad'}>{ok ? 'delivered' : result.outcome.replace(/_/g, ' ')}</span>{' '}
              {result.httpStatus !== null ? `HTTP ${result.httpStatus}` : 'no HTTP answer'} in {formatMs(result.durationMs)}
            </p>
            <dl className="facts">
              <dt>Status</dt><dd>{result.httpStatus ?? '—'}</dd>
              <dt>Latency</dt><dd>{formatMs(result.durationMs)}</dd>
              <dt>webhook-id</dt><dd><code>{result.webhookId}</code></dd>
              {result.error && <><dt>Error</dt><dd>{result.error}</dd></>}
            </dl>
            {result.responseExcerpt !== null && (
              <>
                <h3>Response</h3>
                <pre className="excerpt" tabIndex={0} aria-label="Response excerpt">{result.responseExcerpt || '(empty)'}</pre>
              </>
            )}
          </div>
        )}
      </div>
      {problem && <Problem>{problem}</Problem>}
    </form>
  );
}
