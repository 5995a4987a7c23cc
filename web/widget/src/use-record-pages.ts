// Records of an upload fetched page by page as they come into view, a few pages kept, never the whole upload.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RecordFilter, RecordRow } from './api.ts';
import { useApi } from './use-api.ts';

export const PAGE_ROWS = 100;
/** Pages kept in memory: the ones on screen and those just scrolled past. */
const KEEP_PAGES = 12;

export interface RecordPages {
  /** Rows the filter has, from the first page's answer; null until it comes. */
  total: number | null;
  get: (index: number) => RecordRow | undefined;
  /** Loads the pages holding rows `from` to `to` (0-based, of the filter's rows) that are not here yet. */
  ensure: (from: number, to: number) => void;
  /** Puts the server's answer for an edited record in its place. */
  replace: (index: number, record: RecordRow) => void;
  failure: unknown;
}

export function useRecordPages(uploadId: string, filter: RecordFilter, version: number): RecordPages {
  const api = useApi();
  const pages = useRef(new Map<number, RecordRow[]>());
  const loading = useRef(new Set<number>());
  const generation = useRef(0);
  // After a failed page no other is asked for until the list starts again: a dead connection is not hammered.
  const failed = useRef(false);
  const [total, setTotal] = useState<number | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [, redraw] = useState(0);

  const load = useCallback((page: number) => {
    const gen = generation.current;
    loading.current.add(page);
    api.records(uploadId, filter, page * PAGE_ROWS, PAGE_ROWS).then((answer) => {
      if (gen !== generation.current) return;
      // Map keeps insertion order: deleting and setting again makes it the newest, so the oldest goes first.
      pages.current.delete(page);
      pages.current.set(page, answer.records);
      while (pages.current.size > KEEP_PAGES) pages.current.delete(pages.current.keys().next().value!);
      setTotal(answer.total);
      redraw((x) => x + 1);
    }).catch((err) => {
      if (gen !== generation.current) return;
      failed.current = true;
      setFailure(err);
    })
      .finally(() => gen === generation.current && loading.current.delete(page));
  }, [api, uploadId, filter]);

  useEffect(() => {
    generation.current += 1;
    pages.current.clear();
    loading.current.clear();
    failed.current = false;
    setTotal(null);
    setFailure(null);
    load(0);
  }, [load, version]);

  const ensure = useCallback((from: number, to: number) => {
    if (failed.current) return;
    for (let page = Math.floor(from / PAGE_ROWS); page <= Math.floor(to / PAGE_ROWS); page += 1) {
      if (!pages.current.has(page) && !loading.current.has(page)) load(page);
    }
  }, [load]);

  const get = (index: number) => pages.current.get(Math.floor(index / PAGE_ROWS))?.[index % PAGE_ROWS];

  const replace = useCallback((index: number, record: RecordRow) => {
    const rows = pages.current.get(Math.floor(index / PAGE_ROWS));
    if (rows) rows[index % PAGE_ROWS] = record;
    redraw((x) => x + 1);
  }, []);

  return { total, get, ensure, replace, failure };
}
