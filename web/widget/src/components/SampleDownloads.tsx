// The template's sample file, as CSV or XLSX, for a person who wants to start from the expected columns.
import { useState } from 'react';
import { useTexts } from '../i18n/texts.ts';
import { useApi, useFailure } from '../use-api.ts';

export function SampleDownloads({ code }: { code: string }) {
  const { t } = useTexts();
  const api = useApi();
  const fail = useFailure();
  const [problem, setProblem] = useState<string | null>(null);
  const get = (format: 'csv' | 'xlsx') => {
    setProblem(null);
    api.download(`/v1/templates/${encodeURIComponent(code)}/sample?format=${format}`, `${code}-sample.${format}`)
      .catch((err) => setProblem(fail(err)));
  };
  return (
    <div className="samples">
      <p>{t('sampleIntro')}</p>
      <div className="button-row">
        <button type="button" onClick={() => get('csv')}>{t('sampleCsv')}</button>
        <button type="button" onClick={() => get('xlsx')}>{t('sampleXlsx')}</button>
      </div>
      {problem && <p role="alert" className="problem">{problem}</p>}
    </div>
  );
}
