// Step 1: drop or choose a file (its limits shown, a refused file explained), download a sample, or type rows instead.
import { useId, useState, type DragEvent } from 'react';
import { ApiError, type MappingView, type Session } from '../api.ts';
import { formatBytes } from '../format.ts';
import { emit } from '../host.ts';
import { useTexts } from '../i18n/texts.ts';
import { useApi, useFailure } from '../use-api.ts';
import { PasteGrid } from './PasteGrid.tsx';
import { SampleDownloads } from './SampleDownloads.tsx';

const ACCEPTED = /\.(csv|tsv|txt|xlsx)$/i;

export function UploadStep({ session, onUploaded }: { session: Session; onUploaded: (view: MappingView, file: File) => void }) {
  const { t, locale } = useTexts();
  const api = useApi();
  const fail = useFailure();
  const [typing, setTyping] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<{ name: string; fraction: number } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const hintId = useId();
  const { maxFileBytes, maxRecords } = session.limits;

  const send = async (file: File) => {
    setProblem(null);
    if (!ACCEPTED.test(file.name)) return setProblem(t('refusedType', { name: file.name }));
    if (file.size > maxFileBytes) {
      return setProblem(t('refusedSize', { name: file.name, size: formatBytes(file.size, locale), max: formatBytes(maxFileBytes, locale) }));
    }
    setProgress({ name: file.name, fraction: 0 });
    emit('upload-started', { fileName: file.name, fileSize: file.size });
    try {
      const view = await api.upload(file, null, (fraction) => setProgress({ name: file.name, fraction }));
      onUploaded(view, file);
    } catch (err) {
      const sentence = fail(err);
      // The API's refusal names what is wrong with the file: said as it is, after the file's name.
      setProblem(err instanceof ApiError && err.detail ? t('refusedFile', { name: file.name, detail: err.detail }) : sentence);
      setProgress(null);
    }
  };

  const drop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void send(file);
  };

  if (typing) return <PasteGrid columns={session.template.columns} onBack={() => setTyping(false)} onFile={send} busy={progress !== null} problem={problem} />;

  return (
    <section aria-labelledby="upload-heading" className="step">
      <h2 id="upload-heading">{t('uploadHeading')}</h2>
      <label className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }} onDragLeave={() => setDragging(false)} onDrop={drop}>
        <span className="dropzone-text">{t('dropHint')}</span>
        <span className="button primary" aria-hidden="true">{t('chooseFile')}</span>
        <input type="file" className="visually-hidden" aria-label={t('chooseFile')} aria-describedby={hintId}
          accept=".csv,.tsv,.txt,.xlsx,text/csv,text/tab-separated-values,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          disabled={progress !== null}
          onChange={(e) => { const file = e.target.files?.[0]; e.target.value = ''; if (file) void send(file); }} />
        <span id={hintId} className="hint">{t('formats', { size: formatBytes(maxFileBytes, locale), rows: maxRecords })}</span>
      </label>
      {progress && (
        <div className="upload-progress">
          <progress value={progress.fraction} max={1} aria-label={t('uploading', { name: progress.name, percent: Math.round(progress.fraction * 100) })} />
          <p role="status">{t('uploading', { name: progress.name, percent: Math.round(progress.fraction * 100) })}</p>
        </div>
      )}
      {problem && <p role="alert" className="problem">{problem}</p>}
      <SampleDownloads code={session.template.code} />
      <p><button type="button" className="link" onClick={() => { setProblem(null); setTyping(true); }}>{t('typeRows')}</button></p>
    </section>
  );
}
