// The review grid: the filter's rows virtualized and paged from the server, each invalid cell with its message,
// cells edited in place (Enter to edit, Escape to cancel), rows selected with Space; an ARIA grid for keyboards
// and screen readers.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { RecordFilter, RecordRow, TemplateColumn } from '../api.ts';
import { cellText } from '../format.ts';
import { useTexts } from '../i18n/texts.ts';
import { useApi } from '../use-api.ts';
import { useRecordPages } from '../use-record-pages.ts';
import { Field } from './Field.tsx';

const ROW_PX = 44;
const HEADER_PX = 40;
/** Rows in one scrollable part: the browsers' tallest element (about 17 million px in Firefox) holds this many. */
const PART_ROWS = 350_000;
/** Columns before the template's: the row's checkbox and its row number. */
const LEAD = 2;

interface Props {
  uploadId: string;
  filter: RecordFilter;
  version: number;
  columns: TemplateColumn[];
  selected: ReadonlySet<number>;
  onToggle: (row: number) => void;
  onSaved: (record: RecordRow) => void;
  onFailure: (err: unknown) => void;
}

interface Editing { index: number; col: number; value: string }

export function ReviewGrid({ uploadId, filter, version, columns, selected, onToggle, onSaved, onFailure }: Props) {
  const { t, n } = useTexts();
  const api = useApi();
  const hintId = useId();
  const records = useRecordPages(uploadId, filter, version);
  const [part, setPart] = useState(0);
  const [active, setActive] = useState({ index: 0, col: LEAD });
  const [editing, setEditing] = useState<Editing | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const wantFocus = useRef(false);
  // Whether an edit is still open: Enter, Escape and the blur that follows them must not save it twice.
  const editOpen = useRef(false);

  const total = records.total ?? 0;
  const parts = Math.max(1, Math.ceil(total / PART_ROWS));
  const partStart = Math.min(part, parts - 1) * PART_ROWS;
  const count = Math.max(0, Math.min(PART_ROWS, total - partStart));
  const colCount = columns.length + LEAD;

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 10,
    // The rows start under the sticky header, which also covers the top of the view.
    scrollMargin: HEADER_PX,
    scrollPaddingStart: HEADER_PX,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => { if (count > 0) records.ensure(partStart + first, partStart + last); }, [records, partStart, first, last, count]);
  useEffect(() => { if (records.failure) onFailure(records.failure); }, [records.failure, onFailure]);
  useEffect(() => { setPart(0); setActive({ index: 0, col: LEAD }); setEditing(null); }, [filter, version]);

  // After a key moved the active cell, focus follows it once its row is drawn.
  useEffect(() => {
    if (!wantFocus.current) return;
    const cell = scroller.current?.querySelector<HTMLElement>(`[data-cell="${active.index}:${active.col}"]`);
    if (cell) {
      cell.focus({ preventScroll: true });
      wantFocus.current = false;
    }
  });

  const moveTo = (index: number, col: number) => {
    const next = { index: Math.max(0, Math.min(count - 1, index)), col: Math.max(0, Math.min(colCount - 1, col)) };
    setActive(next);
    wantFocus.current = true;
    virtualizer.scrollToIndex(next.index, { align: 'auto' });
  };

  const save = async (edit: Editing) => {
    if (!editOpen.current) return;
    editOpen.current = false;
    setEditing(null);
    wantFocus.current = true;
    const record = records.get(partStart + edit.index);
    const column = columns[edit.col - LEAD];
    if (!record || !column || edit.value === cellText(record.data[column.key])) return;
    try {
      const saved = await api.editRecord(uploadId, record.row, { [column.key]: edit.value });
      records.replace(partStart + edit.index, saved);
      onSaved(saved);
    } catch (err) {
      onFailure(err);
    }
  };

  const startEdit = (index: number, col: number) => {
    const record = records.get(partStart + index);
    const column = columns[col - LEAD];
    if (!record || !column) return;
    editOpen.current = true;
    setEditing({ index, col, value: cellText(record.data[column.key]) });
  };

  const onKey = (e: KeyboardEvent) => {
    if (editing || count === 0) return;
    const { index, col } = active;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / ROW_PX) - 1);
    const moves: Record<string, () => void> = {
      ArrowDown: () => moveTo(index + 1, col),
      ArrowUp: () => moveTo(index - 1, col),
      ArrowRight: () => moveTo(index, col + 1),
      ArrowLeft: () => moveTo(index, col - 1),
      PageDown: () => moveTo(index + page, col),
      PageUp: () => moveTo(index - page, col),
      Home: () => (e.ctrlKey ? moveTo(0, 0) : moveTo(index, 0)),
      End: () => (e.ctrlKey ? moveTo(count - 1, colCount - 1) : moveTo(index, colCount - 1)),
      Enter: () => (col >= LEAD ? startEdit(index, col) : undefined),
      ' ': () => { const r = records.get(partStart + index); if (r) onToggle(r.row); },
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      move();
    }
  };

  const activeDrawn = items.some((i) => i.index === active.index);
  const template = `44px 72px repeat(${columns.length}, minmax(10rem, 1fr))`;

  return (
    <div className="review-grid">
      {parts > 1 && (
        <Field label={t('partLabel')}>{(id) => (
          <select id={id} value={Math.min(part, parts - 1)} onChange={(e) => { setPart(Number(e.target.value)); setActive({ index: 0, col: LEAD }); virtualizer.scrollToOffset(0); }}>
            {Array.from({ length: parts }, (_, p) => (
              <option key={p} value={p}>{t('rowsRange', { from: p * PART_ROWS + 1, to: Math.min(total, (p + 1) * PART_ROWS) })}</option>
            ))}
          </select>
        )}</Field>
      )}
      <p id={hintId} className="hint">{t('gridHint')}</p>
      <div ref={scroller} className="grid-scroll" role="grid" aria-label={t('gridLabel')} aria-describedby={hintId}
        aria-rowcount={total + 1} aria-colcount={colCount} aria-busy={records.total === null}
        tabIndex={activeDrawn || count === 0 ? -1 : 0} onKeyDown={onKey}
        onFocus={(e) => { if (e.target === e.currentTarget && count > 0) moveTo(active.index, active.col); }}
        style={{ ['--grid-columns' as string]: template, ['--grid-min-width' as string]: `${116 + columns.length * 160}px` }}>
        <div role="rowgroup" className="grid-head">
          <div role="row" aria-rowindex={1} className="grid-row">
            <div role="columnheader" aria-colindex={1} className="grid-cell"><span className="visually-hidden">{t('selectRow', { row: '' })}</span></div>
            <div role="columnheader" aria-colindex={2} className="grid-cell">{t('rowHeader')}</div>
            {columns.map((c, i) => (
              <div role="columnheader" aria-colindex={i + LEAD + 1} key={c.key} className="grid-cell">
                {c.name}{c.required && <span className="badge">{t('required')}</span>}
              </div>
            ))}
          </div>
        </div>
        <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const record = records.get(partStart + item.index);
            const rowNumber = partStart + item.index + 2;
            const cellProps = (col: number) => ({
              role: 'gridcell',
              'aria-colindex': col + 1,
              'data-cell': `${item.index}:${col}`,
              tabIndex: active.index === item.index && active.col === col ? 0 : -1,
              onClick: () => setActive({ index: item.index, col }),
            });
            return (
              <div key={item.key} role="row" aria-rowindex={rowNumber} className={`grid-row${record && !record.valid ? ' invalid' : ''}`}
                aria-selected={record ? selected.has(record.row) : undefined}
                style={{ transform: `translateY(${item.start - HEADER_PX}px)`, height: ROW_PX }}>
                {!record ? (
                  <div role="gridcell" aria-colindex={1} className="grid-cell loading-cell" aria-colspan={colCount}>{t('loading')}</div>
                ) : (
                  <>
                    <div {...cellProps(0)} className="grid-cell">
                      <input type="checkbox" tabIndex={-1} checked={selected.has(record.row)} onChange={() => onToggle(record.row)}
                        aria-label={t('selectRow', { row: record.sheetRow ?? record.row })} />
                    </div>
                    <div {...cellProps(1)} className="grid-cell row-number">{record.sheetRow ?? record.row}</div>
                    {columns.map((c, i) => {
                      const col = i + LEAD;
                      const error = record.errors?.[c.key];
                      const isEditing = editing?.index === item.index && editing.col === col;
                      return (
                        <div {...cellProps(col)} key={c.key} className={`grid-cell${error ? ' cell-invalid' : ''}`}
                          aria-invalid={error ? true : undefined} onDoubleClick={() => startEdit(item.index, col)}>
                          {isEditing ? (
                            <input className="cell-editor" autoFocus value={editing.value}
                              aria-label={t('editCell', { column: c.name, row: record.sheetRow ?? record.row })}
                              onChange={(e) => setEditing({ ...editing, value: e.target.value })}
                              onBlur={() => void save(editing)}
                              onKeyDown={(e) => {
                                e.stopPropagation();
                                if (e.key === 'Enter') { e.preventDefault(); void save(editing); }
                                if (e.key === 'Escape') { e.preventDefault(); editOpen.current = false; setEditing(null); wantFocus.current = true; }
                              }} />
                          ) : (
                            <>
                              <span className="cell-value" title={cellText(record.data[c.key])}>{cellText(record.data[c.key])}</span>
                              {error && <span className="cell-error" title={error}>{error}</span>}
                            </>
                          )}
                        </div>
                      );
                    })}
                  </>
                )}
              </div>
            );
          })}
        </div>
        {records.total === 0 && <p className="grid-empty">{t('noRows')}</p>}
      </div>
      <p className="visually-hidden" aria-live="polite">{records.total !== null ? n(records.total) : ''}</p>
    </div>
  );
}
