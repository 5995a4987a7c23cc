// The top of a received file: where its headings are, how they map to the template, and a sample of rows.
import { badRequest } from '../../errors.ts';
import { detectHeaderRow } from '../../ingest/map/header-row.ts';
import { cellText } from '../../ingest/cell-text.ts';
import { CONFIDENT_MATCH, suggestMapping, type MappingSuggestion } from '../../ingest/map/map-headings.ts';
import { quotedNames } from '../../ingest/choose-sheet.ts';
import { readRowBatches } from '../../ingest/read-rows.ts';
import type { Sniff } from '../../ingest/sniff.ts';
import type { Column } from '../../domain/column.ts';
import type { Cell } from '../../ingest/types.ts';
import type { ReadRowsOptions } from '../../ingest/read-rows.ts';

/** Rows read to find the headings; a header below these many title rows must be given explicitly. */
export const HEAD_ROWS = 20;
export const SAMPLE_ROWS = 10;

export interface FileHead {
  /** Counted from 0 among the non-blank rows. */
  headerRow: number;
  /** The header row as the spreadsheet shows it, from 1. */
  headerSheetRow: number;
  headings: string[];
  suggestion: MappingSuggestion;
  /** For each heading, the column key it maps to when only confident suggestions are taken. */
  keys: (string | null)[];
  sample: Cell[][];
  /** Each sample row's number as the spreadsheet shows it. */
  sampleSheetRows: number[];
  hasDataRows: boolean;
}

export async function readHead(
  file: string, sniff: Sniff, columns: Column[], limits: ReadRowsOptions, headerRow?: number,
): Promise<FileHead> {
  const head: Cell[][] = [];
  const sheetRows: number[] = [];
  const want = Math.max(HEAD_ROWS, (headerRow ?? 0) + SAMPLE_ROWS + 1);
  for await (const batch of readRowBatches(file, sniff, limits)) {
    head.push(...batch.rows);
    sheetRows.push(...batch.sheetRows);
    if (head.length >= want) break;
  }
  if (head.length === 0) throw badRequest('file_empty', 'the file has no rows');
  const at = headerRow ?? detectHeaderRow(head.slice(0, HEAD_ROWS), columns);
  if (at >= head.length) throw badRequest('invalid_request', `headerRow: the file has only ${head.length} non-blank rows`);
  const suggestion = suggestMapping(head[at], columns);
  const keys: (string | null)[] = head[at].map(() => null);
  for (const s of suggestion.suggestions) if (s.key && s.confidence >= CONFIDENT_MATCH) keys[s.index] = s.key;
  const sample = head.slice(at + 1, at + 1 + SAMPLE_ROWS);
  return {
    headerRow: at, headerSheetRow: sheetRows[at], headings: head[at].map((c) => cellText(c).trim()), suggestion, keys,
    sample, sampleSheetRows: sheetRows.slice(at + 1, at + 1 + sample.length), hasDataRows: sample.length > 0,
  };
}

/** For a workbook, which sheet was read and how to read another: the headings may be on a sheet not read. */
function sheetHint(sniff: Sniff | undefined): string {
  if (sniff?.format !== 'xlsx' || sniff.sheet === undefined) return '';
  return `; read sheet "${sniff.sheet}" of the workbook's sheets ${quotedNames(sniff.sheets ?? [sniff.sheet])}: send sheet=<name> to read another`;
}

/** Refuses a mapping that cannot produce a single valid record, naming what is missing and what the file has. */
export function checkMapping(head: Pick<FileHead, 'headings' | 'hasDataRows'>, keys: (string | null)[], columns: Column[], sniff?: Sniff): void {
  const found = head.headings.filter(Boolean).slice(0, 20).map((h) => `"${h}"`).join(', ') || '(none)';
  if (keys.every((k) => k === null)) {
    throw badRequest('missing_columns', `none of the file's headings match the template's columns; headings found: ${found}${sheetHint(sniff)}`);
  }
  const mapped = new Set(keys);
  const missing = columns.filter((c) => c.required && c.defaultValue === undefined && !mapped.has(c.key));
  if (missing.length > 0) {
    throw badRequest('missing_columns', `required columns not found in the file: ${missing.map((c) => c.name).join(', ')}; headings found: ${found}${sheetHint(sniff)}`);
  }
  if (!head.hasDataRows) throw badRequest('no_data_rows', 'the file has headings but no data rows');
}
