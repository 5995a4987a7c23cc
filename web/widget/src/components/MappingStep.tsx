// Step 3: which heading of the file feeds each template column, with the suggestion and its confidence,
// required columns flagged, each heading used once, the headings left out listed, and sample values beside each.
import { useMemo, useState } from 'react';
import { ApiError, type MappingView, type TemplateColumn, type Upload } from '../api.ts';
import { cellText } from '../format.ts';
import { useTexts } from '../i18n/texts.ts';
import { useApi, useFailure } from '../use-api.ts';

const SAMPLE_VALUES = 3;
const POLL_MS = 700;

interface Props {
  view: MappingView;
  columns: TemplateColumn[];
  onBack: () => void;
  onStartOver: () => void;
  onValidated: (upload: Upload) => void;
}

export function MappingStep({ view, columns, onBack, onStartOver, onValidated }: Props) {
  const { t, n } = useTexts();
  const api = useApi();
  const fail = useFailure();
  const headings = view.headings ?? [];
  const [mapping, setMapping] = useState<Record<string, number | null>>(
    () => Object.fromEntries(view.columns.map((c) => [c.key, c.heading])),
  );
  const [checking, setChecking] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // The upload failed while it was read (too many rows, say): only a new file can go on.
  const [failed, setFailed] = useState(false);

  const nameOf = (key: string) => columns.find((c) => c.key === key)?.name ?? key;
  const headingText = (index: number) => headings[index]?.heading || `#${index + 1}`;
  const owner = (index: number) => Object.keys(mapping).find((k) => mapping[k] === index);
  const samples = (index: number) => (view.sample ?? []).map((row) => cellText(row[index])).filter((v) => v !== '').slice(0, SAMPLE_VALUES);
  const missing = columns.filter((c) => c.required && c.defaultValue === undefined && mapping[c.key] == null);
  const unmapped = headings.filter((h) => owner(h.index) === undefined);
  const suggestionFor = useMemo(() => new Map(headings.filter((h) => h.suggestedKey).map((h) => [h.suggestedKey!, h])), [headings]);

  // A heading feeds one column at most: giving it to a column takes it from the one that had it.
  const choose = (key: string, index: number | null) => setMapping((old) => {
    const next = { ...old };
    for (const k of Object.keys(next)) if (index !== null && next[k] === index) next[k] = null;
    next[key] = index;
    return next;
  });

  const validate = async () => {
    setProblem(null);
    if (missing.length > 0) return setProblem(t('requiredMissing', { columns: missing.map((c) => c.name).join(', ') }));
    setChecking(0);
    try {
      await api.setMapping(view.uploadId, { mapping });
      await api.validate(view.uploadId);
      for (;;) {
        const upload = await api.status(view.uploadId);
        if (upload.status === 'reviewing') return onValidated(upload);
        if (upload.status !== 'ingesting') {
          setFailed(true);
          throw new ApiError(0, upload.status, upload.error ?? upload.status);
        }
        setChecking(upload.totalRecords);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    } catch (err) {
      const sentence = fail(err);
      setProblem(err instanceof ApiError && err.detail ? t('checkFailed', { detail: err.detail }) : sentence);
      setChecking(null);
    }
  };

  return (
    <section aria-labelledby="mapping-heading" className="step">
      <h2 id="mapping-heading">{t('mappingHeading')}</h2>
      <p className="hint">{t('mappingHint')}</p>
      <ul className="mapping-list">
        {columns.map((column) => {
          const chosen = mapping[column.key] ?? null;
          const suggested = suggestionFor.get(column.key);
          const isMissing = missing.includes(column);
          return (
            <li key={column.key} className={isMissing ? 'missing' : undefined}>
              <div className="mapping-column">
                <span className="column-name">{column.name}</span>
                {column.required && <span className="badge">{t('required')}</span>}
              </div>
              <div className="mapping-choice">
                <select aria-label={t('mapHeadingFor', { column: column.name })} value={chosen ?? ''} aria-invalid={isMissing || undefined}
                  disabled={checking !== null} onChange={(e) => choose(column.key, e.target.value === '' ? null : Number(e.target.value))}>
                  <option value="">{t('notMapped')}</option>
                  {headings.map((h) => {
                    const other = owner(h.index);
                    const label = other && other !== column.key ? t('headingUsedBy', { heading: headingText(h.index), column: nameOf(other) }) : headingText(h.index);
                    return <option key={h.index} value={h.index}>{label}</option>;
                  })}
                </select>
                {suggested && (
                  <span className={`suggestion${suggested.confidence >= 0.8 ? ' confident' : ''}`}>
                    {t('suggestion', { heading: headingText(suggested.index), percent: Math.round(suggested.confidence * 100) })}
                    {chosen !== suggested.index && (
                      <button type="button" className="link" disabled={checking !== null} onClick={() => choose(column.key, suggested.index)}
                        aria-label={t('useSuggestionFor', { heading: headingText(suggested.index), column: column.name })}>
                        {t('useSuggestion')}
                      </button>
                    )}
                  </span>
                )}
              </div>
              <div className="mapping-sample">
                <span className="visually-hidden">{t('sampleHeader')}: </span>
                {chosen !== null && samples(chosen).map((v, i) => <span key={i} className="sample-value">{v}</span>)}
              </div>
            </li>
          );
        })}
      </ul>
      <div className="unmapped">
        <h3>{t('unmappedHeadings')}</h3>
        {unmapped.length === 0 ? <p className="hint">{t('noUnmappedHeadings')}</p> : (
          <ul className="chips">{unmapped.map((h) => <li key={h.index}>{headingText(h.index)}</li>)}</ul>
        )}
      </div>
      {checking !== null && <p role="status">{t('checking', { count: n(checking) })}</p>}
      {problem && <p role="alert" className="problem">{problem}</p>}
      <div className="actions">
        {failed ? <button type="button" className="primary" onClick={onStartOver}>{t('startOver')}</button> : (
          <>
            <button type="button" onClick={onBack} disabled={checking !== null}>{t('back')}</button>
            <button type="button" className="primary" onClick={() => void validate()} disabled={checking !== null}>{t('checkRows')}</button>
          </>
        )}
      </div>
    </section>
  );
}
