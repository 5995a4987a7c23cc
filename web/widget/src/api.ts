// The one client of the public API the widget speaks, with the shapes of the import-session contract.
import { ApiError, apiError } from '../../shared/api-error.ts';
import type { Column, Upload } from '../../shared/api-types.ts';

export type { Upload } from '../../shared/api-types.ts';

export { ApiError };

export type CellValue = string | number | boolean | null | string[];

/** A template's column as the API answers it. */
export type TemplateColumn = Column;

export interface Session {
  sessionId: string;
  expiresAt: string;
  allowedOrigins: string[] | null;
  template: { code: string; name: string; columns: TemplateColumn[] };
  limits: { maxFileBytes: number; maxRecords: number; maxColumns: number };
}

export interface Heading { index: number; heading: string; key: string | null; suggestedKey: string | null; confidence: number }

export interface MappingView {
  uploadId: string;
  status: string;
  sheet: string | null;
  sheets: string[] | null;
  sheetChosen: string | null;
  headerRow: number;
  headerSheetRow?: number;
  headings?: Heading[];
  columns: { key: string; name: string; required: boolean; heading: number | null }[];
  missingRequired: string[];
  sample?: CellValue[][];
  sampleSheetRows?: number[];
}

export interface RecordRow { row: number; sheetRow: number | null; valid: boolean; data: Record<string, CellValue>; errors: Record<string, string> | null }
export interface RecordsPage { records: RecordRow[]; total: number; offset: number; limit: number; nextOffset: number | null }
export type RecordFilter = 'all' | 'valid' | 'invalid';
export interface ReplaceRequest { column: string; find: string; replace: string; matchCase: boolean; wholeCell: boolean }
export interface ReplaceResult { rowsChanged: number; validRecords: number; invalidRecords: number }


/** Codes that mean the token can no longer be used: the widget shows a screen, not the step. */
export const SESSION_ENDED = new Set(['session_expired', 'session_revoked', 'unauthorized']);

export class Api {
  constructor(
    private readonly token: string,
    private readonly onSessionEnded: (error: ApiError) => void,
    /** Only in development with an API key: the template code an API key must name, which a session knows. */
    private readonly devTemplate?: string,
  ) {}

  async session(): Promise<Session> {
    if (import.meta.env.DEV && this.devTemplate) {
      const template = await this.json<Session['template']>('GET', `/v1/templates/${encodeURIComponent(this.devTemplate)}`);
      return { sessionId: 'dev', expiresAt: '', allowedOrigins: null, template,
        limits: { maxFileBytes: 1024 ** 3, maxRecords: 10_000_000, maxColumns: 2000 } };
    }
    return this.json('GET', '/v1/import-sessions/current');
  }

  /** Sends a file with upload progress (fetch cannot report it), answering the mapping view. */
  upload(file: File, sheet: string | null, onProgress: (fraction: number) => void): Promise<MappingView> {
    const form = new FormData();
    if (import.meta.env.DEV && this.devTemplate) form.append('template', this.devTemplate);
    if (sheet) form.append('sheet', sheet);
    form.append('file', file);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/v1/uploads');
      xhr.setRequestHeader('Authorization', `Bearer ${this.token}`);
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
      xhr.onerror = () => reject(new ApiError(0, 'network_error', ''));
      xhr.onload = () => {
        let body: unknown = null;
        try { body = JSON.parse(xhr.responseText); } catch { /* not JSON: described by its status below */ }
        if (xhr.status >= 200 && xhr.status < 300) resolve(body as MappingView);
        else reject(this.failure(xhr.status, body));
      };
      xhr.send(form);
    });
  }

  status(uploadId: string): Promise<Upload> {
    return this.json('GET', `/v1/uploads/${uploadId}`);
  }

  setMapping(uploadId: string, body: { headerRow?: number; mapping?: Record<string, number | null> }): Promise<MappingView> {
    return this.json('PUT', `/v1/uploads/${uploadId}/mapping`, body);
  }

  validate(uploadId: string): Promise<unknown> {
    return this.json('POST', `/v1/uploads/${uploadId}/validate`);
  }

  records(uploadId: string, type: RecordFilter, offset: number, limit: number, signal?: AbortSignal): Promise<RecordsPage> {
    return this.json('GET', `/v1/uploads/${uploadId}/records?type=${type}&offset=${offset}&limit=${limit}`, undefined, signal);
  }

  editRecord(uploadId: string, row: number, data: Record<string, CellValue>): Promise<RecordRow> {
    return this.json('PATCH', `/v1/uploads/${uploadId}/records/${row}`, { data });
  }

  deleteRecords(uploadId: string, rows: number[]): Promise<{ deleted: number[] }> {
    return this.json('POST', `/v1/uploads/${uploadId}/records/delete`, { rows });
  }

  replace(uploadId: string, body: ReplaceRequest): Promise<ReplaceResult> {
    return this.json('POST', `/v1/uploads/${uploadId}/records/replace`, body);
  }

  confirm(uploadId: string): Promise<unknown> {
    return this.json('POST', `/v1/uploads/${uploadId}/confirm`);
  }

  cancel(uploadId: string): Promise<Upload> {
    return this.json('POST', `/v1/uploads/${uploadId}/cancel`);
  }

  /** A file the API answers (sample, invalid rows), saved by the browser under the name the API gives. */
  async download(path: string, fallbackName: string): Promise<void> {
    const res = await this.send('GET', path);
    const disposition = res.headers.get('content-disposition') ?? '';
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private async json<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.send(method, path, body, signal);
    return (res.status === 204 ? null : await res.json()) as T;
  }

  private async send(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ApiError(0, 'network_error', '');
    }
    if (res.ok) return res;
    throw this.failure(res.status, await res.json().catch(() => null));
  }

  private failure(status: number, body: unknown): ApiError {
    const error = apiError(status, body);
    if (status === 401 && SESSION_ENDED.has(error.code)) this.onSessionEnded(error);
    return error;
  }
}
