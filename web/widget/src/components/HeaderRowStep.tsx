// Step 2: the sheet of a workbook with several, and the header row, picked on a preview of the file's first rows.
import { useEffect, useRef, useState } from 'react';
import type { CellValue, MappingView } from '../api.ts';
import { cellText } from '../format.ts';
import { useTexts } from '../i18n/texts.ts';
import { useApi, useFailure } from '../use-api.ts';
import { Field } from './Field.tsx';

const PREVIEW_COLUMNS = 20;

interface Props {
  view: MappingView;
  file: File | null;
  onView: (view: MappingView) => void;
  onBack: () => void;
  onDone: (view: MappingView) => void;
}

/** `base`: the header row number of the preview's first row. */
interface Preview { rows: CellValue[][]; sheetRows: number[]; base: number }

/** The rows a mapping view shows: its heading row, then the sample rows under it. */
function rowsOf(view: MappingView): Preview {
  const rows = [(view.headings ?? []).map((h) => h.heading), ...(view.sample ?? [])];
  const first = view.headerSheetRow ?? view.headerRow + 1;
  const sheetRows = [first, ...(view.sampleSheetRows ?? view.sample?.map((_, i) => first + i + 1) ?? [])];
  return { rows, sheetRows, base: view.headerRow };
}

export function HeaderRowStep({ view, file, onView, onBack, onDone }: Props) {
  const { t } = useTexts();
  const api = useApi();
  const fail = useFailure();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [chosen, setChosen] = useState(view.headerRow);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const latest = useRef(view);
  latest.current = view;

  // The view shows the rows from the detected header row down; the rows above it are read by asking for row 0
  // as the header row. Continue asks for the chosen row again, which brings back its own suggestions.
  useEffect(() => {
    const detected = latest.current.headerRow;
    setChosen(detected);
    setPreview(null);
    if (detected === 0) {
      setPreview(rowsOf(latest.current));
      return;
    }
    let live = true;
    api.setMapping(latest.current.uploadId, { headerRow: 0 }).then((top) => {
      if (!live) return;
      const rows = rowsOf(top);
      // A header row further down than the preview reaches: show the rows from it instead.
      setPreview(detected < rows.rows.length ? rows : rowsOf(latest.current));
      onView(top);
    }).catch((err) => live && setProblem(fail(err)));
    return () => { live = false; };
    // Once per upload: the views this effect brings in (onView) must not start it again.
  }, [view.uploadId]);

  const changeSheet = async (sheet: string) => {
    if (!file) return;
    setBusy(true);
    setProblem(null);
    try {
      const next = await api.upload(file, sheet, () => undefined);
      api.cancel(view.uploadId).catch(() => undefined);
      onView(next);
    } catch (err) {
      setProblem(fail(err));
    } finally {
      setBusy(false);
    }
  };

  const next = async () => {
    setBusy(true);
    setProblem(null);
    try {
      onDone(chosen === view.headerRow ? view : await api.setMapping(view.uploadId, { headerRow: chosen }));
    } catch (err) {
      setProblem(fail(err));
      setBusy(false);
    }
  };

  const width = Math.min(PREVIEW_COLUMNS, Math.max(1, ...(preview?.rows.map((r) => r.length) ?? [1])));
  return (
    <section aria-labelledby="header-heading" className="step">
      <h2 id="header-heading">{t('headerHeading')}</h2>
      {view.sheets && view.sheets.length > 1 && (
        <Field label={t('sheetLabel')}>{(id) => (
          <select id={id} value={view.sheet ?? ''} disabled={busy} onChange={(e) => void changeSheet(e.target.value)}>
            {view.sheets!.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        )}</Field>
      )}
      <fieldset className="header-rows" aria-busy={!preview}>
        <legend>{t('headerRowLegend')}</legend>
        <p className="hint">{t('headerRowHint')}</p>
        {!preview ? <p role="status">{t('loading')}</p> : (
          <div className="table-scroll">
            <table className="preview">
              <tbody>
                {preview.rows.map((row, i) => {
                  const index = preview.base + i;
                  const sheetRow = preview.sheetRows[i] ?? i + 1;
                  return (
                    <tr key={i} className={index === chosen ? 'chosen' : undefined}>
                      <th scope="row" className="row-number">
                        <label>
                          <input type="radio" name="header-row" checked={index === chosen} onChange={() => setChosen(index)}
                            aria-label={t('useRowAsHeader', { row: sheetRow })} />
                          <span aria-hidden="true">{sheetRow}</span>
                        </label>
                      </th>
                      {Array.from({ length: width }, (_, c) => <td key={c}>{cellText(row[c])}</td>)}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </fieldset>
      {problem && <p role="alert" className="problem">{problem}</p>}
      <div className="actions">
        <button type="button" onClick={onBack}>{t('back')}</button>
        <button type="button" className="primary" onClick={() => void next()} disabled={busy || !preview}>{t('continue')}</button>
      </div>
    </section>
  );
}
