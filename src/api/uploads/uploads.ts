// Uploads: their status, their delivery log, their records, and redelivery of pages.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest, conflict, notFound } from '../../errors.ts';
import { listDeliveries, requeuePages } from '../../store/chunks-queries.ts';
import { ChunkStatus, UploadStatus } from '../../domain/states.ts';
import { findDestination } from '../../store/templates-queries.ts';
import { listRecords } from '../../store/records-queries.ts';
import { cancelUpload, findUpload, listUploads, pageCounts, pageCountsOf, type UploadRow } from '../../store/uploads-queries.ts';
import type { Sniff } from '../../ingest/sniff.ts';
import type { ApiDeps } from '../http.ts';
import { attachment } from '../requests/attachment.ts';
import { recordsCsv, recordsCsvName } from '../records/records-csv.ts';
import { timeRange } from '../requests/time-range.ts';
import { DeliveriesQuery, RecordsCsvQuery, RecordsQuery, RedeliverBody, UploadParams, UploadsQuery } from '../schemas.ts';
import { DeliveryList, errorAnswer, RecordList, Redelivery, UploadList, UploadView } from '../answer-schemas.ts';

const NOT_YET_DELIVERED = new Set<string>([UploadStatus.mapping, UploadStatus.ingesting, UploadStatus.reviewing]);

export const noUpload = errorAnswer('No upload with this id: `not_found`');

export async function requireUpload(deps: ApiDeps, projectId: string, uploadId: string): Promise<UploadRow> {
  const upload = await findUpload(deps.db, projectId, uploadId);
  if (!upload) throw notFound(`upload ${uploadId}`);
  return upload;
}

export function uploadRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const load = (projectId: string, uploadId: string) => requireUpload(deps, projectId, uploadId);

  r.get('/v1/uploads', {
    schema: {
      tags: ['Uploads'], operationId: 'listUploads', summary: 'List the uploads, newest first', querystring: UploadsQuery,
      response: { 200: UploadList },
    },
  }, async (req) => {
    const { status, template, offset, limit } = req.query;
    const { from: createdFrom, to: createdTo } = timeRange(req.query);
    const found = await listUploads(deps.db, req.projectId, { status, templateCode: template, createdFrom, createdTo }, offset, limit);
    const pages = await pageCountsOf(deps.db, found.uploads.map((u) => u.id));
    return {
      uploads: found.uploads.map((u) => present(u, pages.get(u.id) ?? {})),
      ...pageOf(offset, limit, found.uploads.length, found.total),
    };
  });

  r.get('/v1/uploads/:uploadId', {
    schema: {
      tags: ['Uploads'], operationId: 'getUpload', summary: 'An upload\'s status and counts', params: UploadParams,
      response: { 200: UploadView, 404: noUpload },
    },
  }, async (req) => {
    const upload = await load(req.projectId, req.params.uploadId);
    return present(upload, await pageCounts(deps.db, upload.id));
  });

  r.get('/v1/uploads/:uploadId/deliveries', {
    schema: {
      tags: ['Uploads'], operationId: 'listDeliveries', summary: 'Each page\'s delivery status, webhook-id and attempts',
      params: UploadParams, querystring: DeliveriesQuery, response: { 200: DeliveryList, 404: noUpload },
    },
  }, async (req) => {
    const upload = await load(req.projectId, req.params.uploadId);
    const { status, fromPage, limit } = req.query;
    const found = await listDeliveries(deps.db, upload.id, { status }, fromPage, limit);
    return { uploadId: upload.id, pages: found.pages, total: found.total, fromPage, limit, nextFromPage: found.nextFromPage };
  });

  r.get('/v1/uploads/:uploadId/records', {
    schema: {
      tags: ['Records'], operationId: 'listRecords', summary: 'An upload\'s records (all, valid or invalid) with their errors',
      params: UploadParams, querystring: RecordsQuery, response: { 200: RecordList, 404: noUpload },
    },
  }, async (req) => {
    const upload = await load(req.projectId, req.params.uploadId);
    const { type, offset, limit } = req.query;
    const found = await listRecords(deps.db, upload.id, type, offset, limit);
    return { uploadId: upload.id, records: found.records, ...pageOf(offset, limit, found.records.length, found.total) };
  });

  r.get('/v1/uploads/:uploadId/records.csv', {
    schema: {
      tags: ['Records'], operationId: 'downloadRecordsCsv', summary: 'An upload\'s records as a CSV download, to fix in a spreadsheet',
      params: UploadParams, querystring: RecordsCsvQuery,
      response: {
        200: {
          description: 'UTF-8 with a byte order mark: `Row`, the column names, `Errors`',
          content: { 'text/csv': { schema: { type: 'string' } } },
        },
        404: noUpload,
      },
    },
  }, async (req, reply) => {
    const upload = await load(req.projectId, req.params.uploadId);
    const { type } = req.query;
    return reply.type('text/csv; charset=utf-8')
      .header('content-disposition', attachment(recordsCsvName(upload.fileName, type)))
      .send(Readable.from(recordsCsv(deps.db, upload.id, upload.columns, type)));
  });

  r.post('/v1/uploads/:uploadId/redeliver', {
    schema: {
      tags: ['Uploads'], operationId: 'redeliverUpload', summary: 'Send the undelivered pages again, or the pages named',
      params: UploadParams, body: RedeliverBody,
      response: {
        202: Redelivery,
        404: noUpload,
        409: errorAnswer('Not now: `wrong_status` (not yet confirmed, or cancelled), `nothing_to_deliver`, `destination_missing`'),
      },
    },
  }, async (req, reply) => {
    const upload = await load(req.projectId, req.params.uploadId);
    if (NOT_YET_DELIVERED.has(upload.status)) {
      throw conflict('wrong_status', `the upload is ${upload.status}: its pages are delivered once it is read and confirmed`);
    }
    if (upload.status === UploadStatus.cancelled) throw conflict('wrong_status', 'the upload is cancelled: its pages are not sent again');
    if (upload.totalPages === 0) throw conflict('nothing_to_deliver', `the upload has no pages to deliver (${upload.error ?? 'no valid rows'})`);
    if (!upload.templateId || !(await findDestination(deps.db, upload.templateId))) {
      throw conflict('destination_missing', `template "${upload.templateCode}" has no webhook destination`);
    }
    const pages = req.body?.pages ?? null;
    const outOfRange = pages?.filter((p) => p > upload.totalPages) ?? [];
    if (outOfRange.length > 0) {
      throw badRequest('invalid_request', `pages: ${outOfRange.join(', ')} not in this upload (pages 1 to ${upload.totalPages})`);
    }
    const requeued = await requeuePages(deps.db, upload.id, pages);
    if (!requeued) throw conflict('wrong_status', 'the upload is cancelled: its pages are not sent again');
    deps.delivery.wake();
    const now = await load(req.projectId, upload.id);
    return reply.code(202).send({ uploadId: upload.id, status: now.status, pages: requeued });
  });

  r.post('/v1/uploads/:uploadId/cancel', {
    schema: {
      tags: ['Uploads'], operationId: 'cancelUpload', summary: 'Stop an upload being mapped, read, reviewed or delivered',
      params: UploadParams,
      response: { 200: UploadView, 404: noUpload, 409: errorAnswer('The upload has ended already: `wrong_status` names its status') },
    },
  }, async (req) => {
    const upload = await load(req.projectId, req.params.uploadId);
    const result = await cancelUpload(deps.db, upload.id);
    if (!result) throw notFound(`upload ${upload.id}`);
    // A second cancel (a client retrying one whose answer it lost) is told the upload is cancelled.
    if (!result.cancelled && result.was !== UploadStatus.cancelled) {
      throw conflict('wrong_status', `the upload is ${result.was} already; only an upload being mapped, read, reviewed or delivered can be cancelled`);
    }
    const pages = await pageCounts(deps.db, upload.id);
    if (result.cancelled) {
      await deps.files.release(upload.id);
      req.log.info({ uploadId: upload.id, ...(upload.sessionId && { sessionId: upload.sessionId }), status: UploadStatus.cancelled, was: result.was, pagesDelivered: pages[ChunkStatus.delivered] ?? 0,
        pagesFailed: pages[ChunkStatus.failed] ?? 0, pagesCancelled: pages[ChunkStatus.cancelled] ?? 0 }, 'upload ended');
    }
    return present(await load(req.projectId, upload.id), pages);
  });
}

/** Which sheet of a workbook the upload reads, the workbook's visible sheets and how the one was chosen; null for a CSV. */
export function sheetOf(sniff: Sniff | null) {
  const xlsx = sniff?.format === 'xlsx' ? sniff : undefined;
  return { sheet: xlsx?.sheet ?? null, sheets: xlsx?.sheets ?? null, sheetChosen: xlsx?.sheetChosen ?? null };
}

/** Where a page of a list is: the total for the filter, and the offset of the next page (null after the last). */
function pageOf(offset: number, limit: number, count: number, total: number) {
  return { total, offset, limit, nextOffset: count > 0 && offset + count < total ? offset + count : null };
}

function present(u: UploadRow, pages: Record<string, number>) {
  return {
    uploadId: u.id,
    template: u.templateCode,
    status: u.status,
    fileName: u.fileName,
    fileFormat: u.fileFormat,
    ...sheetOf(u.fileSniff as Sniff | null),
    totalRecords: u.rowsRead,
    validRecords: u.validRecords,
    invalidRecords: u.invalidRecords,
    totalPages: u.totalPages,
    pagesDelivered: pages[ChunkStatus.delivered] ?? 0,
    pagesFailed: pages[ChunkStatus.failed] ?? 0,
    pagesPending: pages[ChunkStatus.pending] ?? 0,
    pagesCancelled: pages[ChunkStatus.cancelled] ?? 0,
    error: u.error,
    createdAt: u.createdAt,
    finishedAt: u.finishedAt,
  };
}
