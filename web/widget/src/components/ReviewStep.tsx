// Step 4: All / Valid / Invalid with their counts, the grid, and what acts on many rows at once: delete the
// selected rows, find & replace, download the invalid rows as CSV.
import { useCallback, useEffect, useState } from 'react';
import type { RecordFilter, RecordRow, TemplateColumn, Upload } from '../api.ts';
import { useTexts } from '../i18n/texts.ts';
import { useApi, useFailure } from '../use-api.ts';
import { DeleteRowsDialog } from './DeleteRowsDialog.tsx';
import { FindReplaceDialog } from './FindReplaceDialog.tsx';
import { ReviewGrid } from './ReviewGrid.tsx';

interface Props {
  upload: Upload;
  columns: TemplateColumn[];
  onUpload: (upload: Upload) => void;
  onStartOver: () => void;
  onContinue: () => void;
}

export function ReviewStep({ upload, columns, onUpload, onStartOver, onContinue }: Props) {
  const { t } = useTexts();
  const api = useApi();
  const fail = useFailure();
  const [filter, setFilter] = useState<RecordFilter>(upload.invalidRecords > 0 ? 'invalid' : 'all');
  const [version, setVersion] = useState(0);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const id = upload.uploadId;

  useEffect(() => setSelected(new Set()), [filter, version]);

  const refreshCounts = useCallback(() => api.status(id).then(onUpload).catch((err) => setProblem(fail(err))), [api, id, onUpload, fail]);
  const onFailure = useCallback((err: unknown) => setProblem(fail(err)), [fail]);

  const toggle = (row: number) => setSelected((old) => {
    const next = new Set(old);
    if (!next.delete(row)) next.add(row);
    return next;
  });

  const onSaved = (record: RecordRow) => {
    setProblem(null);
    setStatus(t(record.valid ? 'saved' : 'savedInvalid', { row: record.sheetRow ?? record.row }));
    void refreshCounts();
  };

  const deleteSelected = async () => {
    setProblem(null);
    try {
      const { deleted } = await api.deleteRecords(id, [...selected]);
      setStatus(t('deleted', { count: deleted.length }));
      setVersion((v) => v + 1);
      await refreshCounts();
    } catch (err) {
      setProblem(fail(err));
    }
  };

  const download = () => {
    setProblem(null);
    api.download(`/v1/uploads/${id}/records.csv?type=invalid`, 'invalid-rows.csv').catch((err) => setProblem(fail(err)));
  };

  const filters: { value: RecordFilter; label: string }[] = [
    { value: 'all', label: t('filterAll', { count: upload.validRecords + upload.invalidRecords }) },
    { value: 'valid', label: t('filterValid', { count: upload.validRecords }) },
    { value: 'invalid', label: t('filterInvalid', { count: upload.invalidRecords }) },
  ];

  return (
    <section aria-labelledby="review-heading" className="step step-wide">
      <h2 id="review-heading">{t('reviewHeading')}</h2>
      <div className="toolbar">
        <div role="group" aria-label={t('filterLabel')} className="segmented">
          {filters.map((f) => (
            <button key={f.value} type="button" aria-pressed={filter === f.value} onClick={() => setFilter(f.value)}>{f.label}</button>
          ))}
        </div>
        <div className="button-row">
          <DeleteRowsDialog count={selected.size} onConfirm={deleteSelected} />
          <FindReplaceDialog uploadId={id} columns={columns} onReplaced={(r) => {
            setStatus(t('replaced', { count: r.rowsChanged }));
            setVersion((v) => v + 1);
            void refreshCounts();
          }} />
          <button type="button" disabled={upload.invalidRecords === 0} onClick={download}>{t('downloadInvalid')}</button>
        </div>
      </div>
      <ReviewGrid uploadId={id} filter={filter} version={version} columns={columns} selected={selected}
        onToggle={toggle} onSaved={onSaved} onFailure={onFailure} />
      <p role="status" className="status-line">{status}</p>
      {problem && <p role="alert" className="problem">{problem}</p>}
      <div className="actions">
        <button type="button" onClick={onStartOver}>{t('startOver')}</button>
        <button type="button" className="primary" onClick={onContinue}>{t('continue')}</button>
      </div>
    </section>
  );
}
