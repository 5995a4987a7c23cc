// A screen of one sentence: loading, or why the widget cannot be used here.
import { useTexts } from '../i18n/texts.ts';
import type { TextKey } from '../i18n/en.ts';

interface Props { text: TextKey; values?: Record<string, string>; busy?: boolean; alert?: boolean }

export function MessageScreen({ text, values, busy = false, alert = false }: Props) {
  const { t } = useTexts();
  return (
    <section className="message-screen" aria-busy={busy}>
      {alert && <h2>{t('errorHeading')}</h2>}
      <p role={alert ? 'alert' : 'status'}>{t(text, values)}</p>
    </section>
  );
}
