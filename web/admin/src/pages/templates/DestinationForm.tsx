// The webhook destination's settings, worded as the webhook documentation words them, then sheethook's own flow
// control. Saving with the webhook disabled deletes the destination (after a question).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, type Destination, type RetryBackoff, type WebhookSettings } from '../../api.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice, Problem } from '../../components/Messages.tsx';
import { describeError, useApi } from '../../use-api.ts';
import { fieldErrorOf, type FieldError } from './field-errors.ts';
import { RevealedSecret } from './SigningSecret.tsx';

/** The API's ranges and defaults (WEBHOOK_LIMITS): shown as hints, checked by the API. */
const LIMITS = {
  chunkSize: { min: 1, max: 10_000, fallback: 100 },
  retryCount: { min: 0, max: 100, fallback: 0 },
  retryInterval: { min: 0, max: 3_600_000, fallback: 1000 },
  timeoutMs: { min: 100, max: 120_000, fallback: 30_000 },
  concurrency: { min: 1, max: 64, fallback: 1 },
  maxRequestsPerSecond: { min: 1, max: 10_000 },
};

type NumberField = 'chunkSize' | 'retryCount' | 'retryInterval' | 'timeoutMs' | 'concurrency' | 'maxRequestsPerSecond';

interface Draft {
  enabled: boolean;
  callbackUrl: string;
  authHeaderName: string;
  retryBackoff: RetryBackoff;
  numbers: Record<NumberField, string>;
}

function draftOf(d: Destination | null): Draft {
  const w = d?.webhook;
  const text = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    enabled: Boolean(d),
    callbackUrl: w?.callbackUrl ?? '',
    authHeaderName: w?.authHeaderName ?? '',
    retryBackoff: w?.retryBackoff ?? 'fixed',
    numbers: {
      chunkSize: text(w?.chunkSize), retryCount: text(w?.retryCount), retryInterval: text(w?.retryInterval),
      timeoutMs: text(w?.timeoutMs), concurrency: text(w?.concurrency), maxRequestsPerSecond: text(w?.maxRequestsPerSecond),
    },
  };
}

/** A number when the text is one, else the text itself, for the API to name the problem at its field. */
const numberOf = (value: string): number => (Number.isFinite(Number(value)) ? Number(value) : (value as unknown as number));

function settingsOf(draft: Draft): Partial<WebhookSettings> & { callbackUrl: string } {
  const webhook: Partial<WebhookSettings> & { callbackUrl: string } = {
    callbackUrl: draft.callbackUrl.trim(),
    authHeaderName: draft.authHeaderName.trim() || null,
    retryBackoff: draft.retryBackoff,
  };
  for (const [name, value] of Object.entries(draft.numbers) as [NumberField, string][]) {
    if (value.trim() !== '') (webhook as Record<string, unknown>)[name] = numberOf(value.trim());
    // An empty rate limit is no limit, which the API is told as null; the other fields take their defaults.
    else if (name === 'maxRequestsPerSecond') webhook.maxRequestsPerSecond = null;
  }
  return webhook;
}

interface Props {
  code: string;
  destination: Destination | null;
  onSaved: (saved: Destination | null) => void;
}

export function DestinationForm({ code, destination, onSaved }: Props) {
  const api = useApi();
  const [draft, setDraft] = useState<Draft>(() => draftOf(destination));
  const [error, setError] = useState<FieldError | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [news, setNews] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [confirmDisable, setConfirmDisable] = useState(false);
  /** The signing secret, in the answer that made the destination only. */
  const [madeSecret, setMadeSecret] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const [tries, setTries] = useState(0);

  useEffect(() => {
    if (tries === 0) return;
    (form.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.current?.querySelector<HTMLElement>('.form-problem'))?.focus();
  }, [tries]);

  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const setNumber = (name: NumberField, value: string) => setDraft((d) => ({ ...d, numbers: { ...d.numbers, [name]: value } }));
  const at = (name: string) => (error?.path === `webhook/${name}` ? error.message : null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setProblem(null);
    setNews(null);
    setWarnings([]);
    setMadeSecret(null);
    if (!draft.enabled) {
      if (destination) setConfirmDisable(true);
      else setNews('The webhook is not enabled: nothing to save.');
      return;
    }
    setBusy(true);
    try {
      const saved = await api.saveDestination(code, settingsOf(draft));
      setDraft(draftOf(saved));
      setWarnings(saved.warnings ?? []);
      setMadeSecret(saved.signingSecret ?? null);
      setNews(destination ? 'Destination saved.' : 'Webhook enabled: the destination is saved.');
      onSaved(saved);
    } catch (err) {
      const found = err instanceof ApiError && err.status === 400 ? fieldErrorOf(err.detail) : null;
      setError(found);
      setProblem(`Not saved: ${describeError(err)}`);
      setTries((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  const number = (name: NumberField, label: string, hint: string, unit?: string) => {
    const limit = LIMITS[name];
    return (
      <Field label={unit ? `${label} (${unit})` : label} hint={hint} error={at(name)}>
        {(c) => (
          <input {...c} type="number" inputMode="numeric" min={limit.min} max={limit.max} step={1} value={draft.numbers[name]}
            placeholder={'fallback' in limit ? String(limit.fallback) : 'no limit'} disabled={!draft.enabled}
            onChange={(e) => setNumber(name, e.target.value)} />
        )}
      </Field>
    );
  };

  return (
    <form ref={form} onSubmit={submit} noValidate className="section" aria-labelledby="destination-heading">
      <h2 id="destination-heading">Webhook</h2>
      {problem && <div className="form-problem" tabIndex={-1}><Problem>{problem}</Problem></div>}
      {news && <Notice>{news}</Notice>}
      {warnings.map((w) => <p key={w} className="notice" role="status">Warning: {w}</p>)}
      <label className="check">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        Enable the webhook
      </label>
      <p className="hint check-hint">Once a person confirms an import, its rows are sent to the callback URL in chunks.</p>
      <div className="form-grid">
        <Field label="Callback URL" className="wide" hint="Your API's endpoint that receives the rows (http or https)." error={at('callbackUrl')}>
          {(c) => (
            <input {...c} type="url" inputMode="url" value={draft.callbackUrl} placeholder="https://api.example.com/imports" spellCheck={false}
              disabled={!draft.enabled} onChange={(e) => set({ callbackUrl: e.target.value })} />
          )}
        </Field>
        {number('chunkSize', 'Chunk Size', `How many records one request carries: ${LIMITS.chunkSize.min} to ${LIMITS.chunkSize.max.toLocaleString('en')}; 100 when empty.`)}
        <Field label="Auth Header Name" hint="The header that carries the value your backend gives when it starts an import (authHeaderValue). Empty: none." error={at('authHeaderName')}>
          {(c) => (
            <input {...c} value={draft.authHeaderName} placeholder="X-Api-Key" spellCheck={false} disabled={!draft.enabled}
              onChange={(e) => set({ authHeaderName: e.target.value })} />
          )}
        </Field>
        {number('retryCount', 'Retry Count', 'Further attempts after a failed one (non-2xx, timeout, network error); 0: no retry.')}
        {number('retryInterval', 'Retry Interval', 'The wait between attempts; 1000 when empty.', 'ms')}
      </div>
      <h3>Flow control</h3>
      <div className="form-grid">
        <Field label="Retry backoff" hint="Fixed waits the Retry Interval each time; exponential doubles it, with jitter, up to an hour." error={at('retryBackoff')}>
          {(c) => (
            <select {...c} value={draft.retryBackoff} disabled={!draft.enabled} onChange={(e) => set({ retryBackoff: e.target.value as RetryBackoff })}>
              <option value="fixed">Fixed</option>
              <option value="exponential">Exponential</option>
            </select>
          )}
        </Field>
        {number('timeoutMs', 'Timeout', 'How long one request may take before it counts as failed; 30000 when empty.', 'ms')}
        {number('concurrency', 'Concurrency', `Pages of one upload in flight at once: 1 to ${LIMITS.concurrency.max}. With 1 they arrive strictly in order; with more, they may not.`)}
        {number('maxRequestsPerSecond', 'Requests per second', 'The most requests a second, across every worker. Empty: no limit.')}
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : 'Save destination'}</button>
      </div>
      {madeSecret && <RevealedSecret secret={madeSecret} />}
      {confirmDisable && (
        <ConfirmDialog title="Disable the webhook?" confirm="Disable and delete"
          onConfirm={async () => {
            await api.deleteDestination(code);
            setDraft(draftOf(null));
            setNews('Webhook disabled: the destination is deleted.');
            onSaved(null);
          }}
          onClose={() => setConfirmDisable(false)}>
          <p>The destination and its signing secret are deleted. No new import can start for this template until the webhook is enabled again, with a new secret.</p>
        </ConfirmDialog>
      )}
    </form>
  );
}
