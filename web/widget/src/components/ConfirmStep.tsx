// Step 5: what will be sent and skipped, then the delivery's progress from the status API, then its outcome in words.
import { useEffect, useState } from 'react';
import type { Upload } from '../api.ts';
import { emit } from '../host.ts';
import { useTexts } from '../i18n/texts.ts';
import { useApi, useFailure } from '../use-api.ts';

const POLL_MS = 1000;
const FINAL = new Set(['completed', 'completed_with_failures', 'failed', 'cancelled', 'expired']);

export function ConfirmStep({ upload, onBack }: { upload: Upload; onBack: () => void }) {
  const { t } = useTexts();
  const api = useApi();
  const fail = useFailure();
  const [sending, setSending] = useState(false);
  const [now, setNow] = useState<Upload | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const id = upload.uploadId;

  useEffect(() => {
    if (!sending) return;
    let live = true;
    const poll = async () => {
      try {
        const u = await api.status(id);
        if (!live) return;
        setNow(u);
        if (FINAL.has(u.status)) {
          emit('delivery-finished', { uploadId: id, status: u.status, validRecords: u.validRecords, invalidRecords: u.invalidRecords,
            totalPages: u.totalPages, pagesDelivered: u.pagesDelivered, pagesFailed: u.pagesFailed, error: u.error });
          return;
        }
      } catch (err) {
        if (!live) return;
        setProblem(fail(err));
      }
      setTimeout(() => { if (live) void poll(); }, POLL_MS);
    };
    void poll();
    return () => { live = false; };
  }, [sending, api, id, fail]);

  const send = async () => {
    setProblem(null);
    try {
      await api.confirm(id);
      setSending(true);
    } catch (err) {
      setProblem(fail(err));
    }
  };

  if (now && FINAL.has(now.status)) return <Outcome upload={now} />;

  if (sending) {
    const total = now?.totalPages ?? 0;
    const delivered = now?.pagesDelivered ?? 0;
    return (
      <section aria-labelledby="sending-heading" className="step">
        <h2 id="sending-heading">{t('sendingHeading')}</h2>
        <progress value={delivered} max={Math.max(1, total)} aria-label={t('progressLabel')} />
        <p role="status">{t('progress', { delivered, total })}</p>
        {problem && <p role="alert" className="problem">{problem}</p>}
      </section>
    );
  }

  return (
    <section aria-labelledby="confirm-heading" className="step">
      <h2 id="confirm-heading">{t('confirmHeading')}</h2>
      <p className="summary">{t('confirmSummary', { valid: upload.validRecords, invalid: upload.invalidRecords })}</p>
      {problem && <p role="alert" className="problem">{problem}</p>}
      <div className="actions">
        <button type="button" onClick={onBack}>{t('back')}</button>
        <button type="button" className="primary" onClick={() => void send()}>{t('confirmSend', { valid: upload.validRecords })}</button>
      </div>
    </section>
  );
}

function Outcome({ upload }: { upload: Upload }) {
  const { t } = useTexts();
  const words = {
    completed: () => t('statusCompleted', { valid: upload.validRecords }),
    completed_with_failures: () => t('statusCompletedWithFailures', { failed: upload.pagesFailed, total: upload.totalPages }),
    failed: () => t('statusFailed', { error: upload.error ?? '' }),
    cancelled: () => t('statusCancelled'),
  }[upload.status] ?? (() => t('statusOther', { status: upload.status }));
  return (
    <section aria-labelledby="done-heading" className="step">
      <h2 id="done-heading">{t('doneHeading')}</h2>
      <p role="status" className={`summary outcome-${upload.status}`}>{words()}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => emit('close')}>{t('close')}</button>
      </div>
    </section>
  );
}
