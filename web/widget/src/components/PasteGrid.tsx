// Rows typed or pasted into an empty grid of the template's columns, sent as a CSV file like any other.
import { useState, type ClipboardEvent } from 'react';
import type { TemplateColumn } from '../api.ts';
import { toCsv } from '../format.ts';
import { useTexts } from '../i18n/texts.ts';

const START_ROWS = 5;

interface Props {
  columns: TemplateColumn[];
  onBack: () => void;
  onFile: (file: File) => void;
  busy: boolean;
  problem: string | null;
}

export function PasteGrid({ columns, onBack, onFile, busy, problem }: Props) {
  const { t } = useTexts();
  const blank = () => columns.map(() => '');
  const [rows, setRows] = useState<string[][]>(() => Array.from({ length: START_ROWS }, blank));
  const [empty, setEmpty] = useState(false);

  const set = (r: number, c: number, value: string) => setRows((old) => old.map((row, i) => (i === r ? row.map((v, j) => (j === c ? value : v)) : row)));

  // Cells copied from a spreadsheet arrive as tab-separated lines: spread them from the cell pasted into.
  const paste = (e: ClipboardEvent, r: number, c: number) => {
    const text = e.clipboardData.getData('text/plain');
    if (!text.includes('\t') && !text.includes('\n')) return;
    e.preventDefault();
    const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n').map((l) => l.split('\t'));
    setRows((old) => {
      const next = old.map((row) => [...row]);
      lines.forEach((cells, i) => {
        while (next.length <= r + i) next.push(blank());
        cells.forEach((value, j) => { if (c + j < columns.length) next[r + i][c + j] = value; });
      });
      return next;
    });
  };

  const submit = () => {
    const filled = rows.filter((row) => row.some((v) => v.trim() !== ''));
    setEmpty(filled.length === 0);
    if (filled.length === 0) return;
    const csv = toCsv([columns.map((c) => c.name), ...filled]);
    onFile(new File([csv], t('pastedFileName'), { type: 'text/csv' }));
  };

  return (
    <section aria-labelledby="paste-heading" className="step">
      <h2 id="paste-heading">{t('pasteHeading')}</h2>
      <p className="hint">{t('pasteHint')}</p>
      <div className="table-scroll">
        <table className="paste-grid">
          <thead>
            <tr>
              <th scope="col" className="row-number">{t('rowHeader')}</th>
              {columns.map((c) => <th scope="col" key={c.key}>{c.name}{c.required && <span className="badge">{t('required')}</span>}</th>)}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, r) => (
              <tr key={r}>
                <th scope="row" className="row-number">{r + 1}</th>
                {row.map((value, c) => (
                  <td key={columns[c].key}>
                    <input value={value} aria-label={t('pasteCell', { column: columns[c].name, row: r + 1 })}
                      onChange={(e) => set(r, c, e.target.value)} onPaste={(e) => paste(e, r, c)} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="button-row">
        <button type="button" onClick={() => setRows((old) => [...old, blank()])}>{t('addRow')}</button>
      </div>
      {empty && <p role="alert" className="problem">{t('pasteEmpty')}</p>}
      {problem && <p role="alert" className="problem">{problem}</p>}
      <div className="actions">
        <button type="button" onClick={onBack}>{t('back')}</button>
        <button type="button" className="primary" onClick={submit} disabled={busy}>{t('useRows')}</button>
      </div>
    </section>
  );
}
