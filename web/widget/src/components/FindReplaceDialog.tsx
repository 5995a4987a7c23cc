// Find & replace in one column, done by the server over every row of the upload (not only the rows on screen).
import { useState, type FormEvent } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import type { ReplaceResult, TemplateColumn } from '../api.ts';
import { useTexts } from '../i18n/texts.ts';
import { useApi, useFailure } from '../use-api.ts';
import { Field } from './Field.tsx';

interface Props { uploadId: string; columns: TemplateColumn[]; onReplaced: (result: ReplaceResult) => void }

export function FindReplaceDialog({ uploadId, columns, onReplaced }: Props) {
  const { t } = useTexts();
  const api = useApi();
  const fail = useFailure();
  const [open, setOpen] = useState(false);
  const [column, setColumn] = useState(columns[0]?.key ?? '');
  const [find, setFind] = useState('');
  const [replace, setReplace] = useState('');
  const [matchCase, setMatchCase] = useState(false);
  const [wholeCell, setWholeCell] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      onReplaced(await api.replace(uploadId, { column, find, replace, matchCase, wholeCell }));
      setOpen(false);
    } catch (err) {
      setProblem(fail(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog.Root open={open} onOpenChange={(o) => { setOpen(o); setProblem(null); }}>
      <Dialog.Trigger asChild><button type="button">{t('findReplace')}</button></Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog">
          <Dialog.Title>{t('findReplace')}</Dialog.Title>
          <Dialog.Description className="hint">{t('findReplaceHint')}</Dialog.Description>
          <form onSubmit={(e) => void submit(e)}>
            <Field label={t('frColumn')}>{(id) => (
              <select id={id} value={column} onChange={(e) => setColumn(e.target.value)}>
                {columns.map((c) => <option key={c.key} value={c.key}>{c.name}</option>)}
              </select>
            )}</Field>
            <Field label={t('frFind')}>{(id) => <input id={id} value={find} required onChange={(e) => setFind(e.target.value)} />}</Field>
            <Field label={t('frReplace')}>{(id) => <input id={id} value={replace} onChange={(e) => setReplace(e.target.value)} />}</Field>
            <label className="check"><input type="checkbox" checked={matchCase} onChange={(e) => setMatchCase(e.target.checked)} /> {t('frMatchCase')}</label>
            <label className="check"><input type="checkbox" checked={wholeCell} onChange={(e) => setWholeCell(e.target.checked)} /> {t('frWholeCell')}</label>
            {problem && <p role="alert" className="problem">{problem}</p>}
            <div className="actions">
              <Dialog.Close asChild><button type="button">{t('cancel')}</button></Dialog.Close>
              <button type="submit" className="primary" disabled={busy || find === ''}>{t('frSubmit')}</button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
