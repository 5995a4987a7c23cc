// The screen of an expired, revoked or unknown session token: what happened and what to do, never a blank page.
import type { ApiError } from '../api.ts';
import { emit } from '../host.ts';
import { useTexts } from '../i18n/texts.ts';
import { useEffect } from 'react';

const TEXT = { session_expired: 'sessionExpired', session_revoked: 'sessionRevoked' } as const;

export function SessionEndedScreen({ error }: { error: ApiError }) {
  const { t } = useTexts();
  useEffect(() => emit('error', { code: error.code, detail: error.detail }), [error]);
  const key = TEXT[error.code as keyof typeof TEXT] ?? 'sessionInvalid';
  return (
    <section className="message-screen">
      <h2>{t('errorHeading')}</h2>
      <p role="alert">{t(key)}</p>
      <button type="button" className="primary" onClick={() => emit('close')}>{t('close')}</button>
    </section>
  );
}
