// A screen of one sentence: loading, or why the widget cannot be used here.
import { useTexts } from '../i18n/texts.ts';
import type { TextKey } from '../i18n/en.ts';

export function MessageScreen({ text, busy = false, alert = false }: { text: TextKey; busy?: boolean; alert?: boolean }) {
  const { t } = useTexts();
  return (
    <section className="message-screen" aria-busy={busy}>
      {alert && <h2>{t('errorHeading')}</h2>}
      <p role={alert ? 'alert' : 'status'}>{t(text)}</p>
    </section>
  );
}
