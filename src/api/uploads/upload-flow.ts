// The interactive import flow the widget drives: upload, map headings, validate, review and edit, confirm.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { badRequest, conflict, notFound } from '../../errors.ts';
import { compileRowValidator } from '../../ingest/validate/validate-row.ts';
import type { Sniff } from '../../ingest/sniff.ts';
import type { Column } from '../../domain/column.ts';
import type { Cell } from '../../ingest/types.ts';
import { findRecord, valueTakenElsewhere } from '../../store/records-queries.ts';
import { moveStatus, removeRecords, replaceRecord, setMapping } from '../../store/review-queries.ts';
import { UploadStatus } from '../../domain/states.ts';
import { findDestination } from '../../store/templates-queries.ts';
import { writeChunkPlan, type UploadRow } from '../../store/uploads-queries.ts';
import { noUpload, requireUpload, sheetOf } from './uploads.ts';
import { checkMapping, readHead, type FileHead } from './file-head.ts';
import type { ApiDeps } from '../http.ts';
import { createUpload } from './imports.ts';
import { sessionTemplate, sessionUploadFields } from '../sessions/import-sessions.ts';
import { receiveFile } from './receive-file.ts';
import { checkRecord, toCell } from '../records/record-check.ts';
import { ReplaceBody, UploadForm, UploadParams } from '../schemas.ts';
import { replaceInColumn } from '../records/find-replace.ts';
import { requireTemplate } from '../templates/templates.ts';
import { Confirmed, DeletedRows, errorAnswer, MappingView, noContent, RecordView, ReplaceResult, UploadQueued } from '../answer-schemas.ts';

const MappingBody = Type.Object({
  headerRow: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  mapping: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]))),
}, { additionalProperties: false });

const CellValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null(), Type.Array(Type.String())]);
const RecordParams = Type.Object({ uploadId: Type.String({ format: 'uuid' }), row: Type.Integer({ minimum: 1 }) });
const RecordPatch = Type.Object({ data: Type.Record(Type.String(), CellValue) }, { additionalProperties: false });
const DeleteBody = Type.Object({ rows: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 10_000 }) }, { additionalProperties: false });

const flowTags = ['Interactive import'];
const recordTags = ['Records'];
const notInReview = errorAnswer('The upload is not in `reviewing` (or was confirmed meanwhile): `wrong_status`');
const noRow = errorAnswer('No upload with this id, or no such row: `not_found`');

export function uploadFlowRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const load = (projectId: string, uploadId: string) => requireUpload(deps, projectId, uploadId);
  const requireStatus = (upload: UploadRow, status: UploadStatus, action: string) => {
    if (upload.status !== status) throw conflict('wrong_status', `the upload is ${upload.status}; ${action} needs it to be ${status}`);
  };

  r.post('/v1/uploads', {
    config: { multipart: UploadForm },
    schema: {
      tags: flowTags, operationId: 'createUpload', summary: 'Upload a file to map, validate, review and confirm step by step',
      response: {
        201: {
          ...MappingView,
          headers: { location: { type: 'string', description: 'the upload: /v1/uploads/{uploadId}' } },
        },
        400: errorAnswer('A field or the file is refused: `invalid_request` names the field; `file_empty`, `file_unreadable`, '
          + '`file_too_large` (unpacked), `field_too_large`, `sheet_not_found`, `too_many_columns`'),
        403: errorAnswer('The credentials may not do this: `forbidden_for_session` (also for a `template` other than the session\'s), `origin_not_allowed`'),
        404: errorAnswer('No template with this code: `not_found`'),
        415: errorAnswer('Not multipart: `multipart_required`; a file neither CSV nor XLSX (an `.xls` too): `unsupported_format`'),
      },
    },
  }, async (req, reply) => {
    const received = await receiveFile(req, deps);
    try {
      const session = req.importSession;
      const template = session
        ? await sessionTemplate(deps, req.projectId, session, received.fields.template)
        : await requireTemplate(deps, req.projectId, received.fields.template);
      const upload = await createUpload(deps, req.projectId, template, received, false, session ? sessionUploadFields(session) : undefined);
      return reply.code(201).header('location', `/v1/uploads/${upload.id}`)
        .send(mappingView(upload, upload.head, upload.mapping, upload.head.headerRow));
    } catch (err) {
      await received.discard();
      throw err;
    }
  });

  r.get('/v1/uploads/:uploadId/mapping', {
    schema: {
      tags: flowTags, operationId: 'getMapping', summary: 'The headings, their suggested columns and a sample; which heading feeds which column',
      params: UploadParams, response: { 200: MappingView, 404: noUpload },
    },
  }, async (req) => {
    const upload = await load(req.projectId, req.params.uploadId);
    const head = upload.status === UploadStatus.mapping ? await headOf(deps, upload, upload.headerRow) : undefined;
    return mappingView(upload, head, upload.mapping ?? [], upload.headerRow);
  });

  r.put('/v1/uploads/:uploadId/mapping', {
    schema: {
      tags: flowTags, operationId: 'putMapping', summary: 'Set the header row, or which heading feeds a column (`{ columnKey: headingIndex | null }`)',
      params: UploadParams, body: MappingBody,
      response: { 200: MappingView, 404: noUpload, 409: errorAnswer('The upload is not in `mapping`: `wrong_status`') },
    },
  }, async (req) => {
    const upload = await load(req.projectId, req.params.uploadId);
    requireStatus(upload, UploadStatus.mapping, 'changing the mapping');
    const headerRow = req.body.headerRow ?? upload.headerRow;
    const head = await headOf(deps, upload, headerRow);
    // A new header row brings new headings: start again from their suggestions.
    const keys = headerRow === upload.headerRow ? [...(upload.mapping ?? head.keys)] : [...head.keys];
    applyMapping(keys, req.body.mapping ?? {}, upload.columns, head.headings.length);
    if (!(await setMapping(deps.db, upload.id, head.headerRow, keys))) throw conflict('wrong_status', 'the upload is being validated already');
    return mappingView(upload, head, keys, head.headerRow);
  });

  r.post('/v1/uploads/:uploadId/validate', {
    schema: {
      tags: flowTags, operationId: 'validateUpload', summary: 'Read the whole file with the mapping; the upload goes to `reviewing`',
      params: UploadParams,
      response: {
        202: UploadQueued,
        400: errorAnswer('The mapping cannot produce a valid record: `missing_columns`, `no_data_rows`'),
        404: noUpload,
        409: errorAnswer('The upload is not in `mapping`: `wrong_status`'),
      },
    },
  }, async (req, reply) => {
    const upload = await load(req.projectId, req.params.uploadId);
    requireStatus(upload, UploadStatus.mapping, 'validating');
    const head = await headOf(deps, upload, upload.headerRow);
    checkMapping(head, upload.mapping ?? [], upload.columns, upload.fileSniff as Sniff);
    if (!(await moveStatus(deps.db, upload.id, UploadStatus.mapping, UploadStatus.ingesting))) {
      throw conflict('wrong_status', 'the upload is already being validated');
    }
    deps.ingest.wake();
    return reply.code(202).send({ uploadId: upload.id, status: UploadStatus.ingesting });
  });

  r.patch('/v1/uploads/:uploadId/records/:row', {
    schema: {
      tags: recordTags, operationId: 'updateRecord', summary: 'Edit a record\'s cells; the row is validated again',
      params: RecordParams, body: RecordPatch, response: { 200: RecordView, 404: noRow, 409: notInReview },
    },
  }, async (req) => {
    const upload = await load(req.projectId, req.params.uploadId);
    requireStatus(upload, UploadStatus.reviewing, 'editing records');
    const record = await findRecord(deps.db, upload.id, req.params.row);
    if (!record) throw notFound(`row ${req.params.row}`);
    const byKey = new Map(upload.columns.map((c) => [c.key, c]));
    const unknown = Object.keys(req.body.data).filter((k) => !byKey.has(k));
    if (unknown.length > 0) throw badRequest('invalid_request', `data: no column with key ${unknown.map((k) => `"${k}"`).join(', ')}`);

    const cells: Record<string, Cell> = {};
    for (const column of upload.columns) {
      const value = column.key in req.body.data ? req.body.data[column.key] : record.data[column.key];
      cells[column.key] = toCell(value, column);
    }
    const checked = await checkRecord(upload.columns, compileRowValidator(upload.columns), cells,
      (key, value) => valueTakenElsewhere(deps.db, upload.id, record.row, key, value));
    const saved = await replaceRecord(deps.db, upload.id, { row: record.row, sheetRow: record.sheetRow, ...checked });
    if (!saved) throw conflict('wrong_status', 'the upload was confirmed meanwhile; its records can no longer change');
    return saved;
  });

  r.post('/v1/uploads/:uploadId/records/replace', {
    schema: {
      tags: recordTags, operationId: 'replaceInRecords', summary: 'Find and replace in one column; changed rows are validated again',
      params: UploadParams, body: ReplaceBody, response: { 200: ReplaceResult, 404: noUpload, 409: notInReview },
    },
  }, async (req) => {
    const upload = await load(req.projectId, req.params.uploadId);
    requireStatus(upload, UploadStatus.reviewing, 'replacing values');
    const { column: key, find, replace, matchCase, wholeCell } = req.body;
    const column = upload.columns.find((c) => c.key === key);
    if (!column) {
      throw badRequest('invalid_request', `column: no column with key "${key}"; the columns are ${upload.columns.map((c) => `"${c.key}"`).join(', ')}`);
    }
    const rowsChanged = await replaceInColumn(deps.db, upload.id, upload.columns, { column, find, replace, matchCase, wholeCell });
    if (rowsChanged === undefined) throw conflict('wrong_status', 'the upload was confirmed meanwhile; its records can no longer change');
    const now = await load(req.projectId, upload.id);
    return { rowsChanged, validRecords: now.validRecords, invalidRecords: now.invalidRecords };
  });

  r.delete('/v1/uploads/:uploadId/records/:row', {
    schema: {
      tags: recordTags, operationId: 'deleteRecord', summary: 'Delete a record', params: RecordParams,
      response: { 204: noContent('Deleted'), 404: noRow, 409: notInReview },
    },
  }, async (req, reply) => {
    const deleted = await deleteRows(req.projectId, req.params.uploadId, [req.params.row]);
    if (deleted.length === 0) throw notFound(`row ${req.params.row}`);
    return reply.code(204).send();
  });

  r.post('/v1/uploads/:uploadId/records/delete', {
    schema: {
      tags: recordTags, operationId: 'deleteRecords', summary: 'Delete records by row', params: UploadParams, body: DeleteBody,
      response: { 200: DeletedRows, 404: noUpload, 409: notInReview },
    },
  }, async (req) => {
    return { deleted: await deleteRows(req.projectId, req.params.uploadId, req.body.rows) };
  });

  r.post('/v1/uploads/:uploadId/confirm', {
    schema: {
      tags: flowTags, operationId: 'confirmUpload', summary: 'Freeze the records and deliver the valid ones', params: UploadParams,
      response: {
        202: Confirmed,
        404: noUpload,
        409: errorAnswer('The upload is not in `reviewing`: `wrong_status`; the template has no destination: `destination_missing`'),
      },
    },
  }, async (req, reply) => {
    const upload = await load(req.projectId, req.params.uploadId);
    requireStatus(upload, UploadStatus.reviewing, 'confirming');
    const destination = upload.templateId ? await findDestination(deps.db, upload.templateId) : undefined;
    if (!destination) throw conflict('destination_missing', `template "${upload.templateCode}" has no webhook destination`);
    const totals = await writeChunkPlan(deps.db, upload.id, destination.chunkSize, UploadStatus.reviewing);
    if (!totals) throw conflict('wrong_status', 'the upload was confirmed already');
    deps.delivery.wake();
    const now = await load(req.projectId, upload.id);
    return reply.code(202).send({ uploadId: upload.id, ...totals, status: now.status });
  });

  async function deleteRows(projectId: string, uploadId: string, rowNumbers: number[]): Promise<number[]> {
    const upload = await load(projectId, uploadId);
    requireStatus(upload, UploadStatus.reviewing, 'deleting records');
    const deleted = await removeRecords(deps.db, upload.id, rowNumbers);
    if (!deleted) throw conflict('wrong_status', 'the upload was confirmed meanwhile; its records can no longer change');
    return deleted;
  }
}

async function headOf(deps: ApiDeps, upload: UploadRow, headerRow: number): Promise<FileHead> {
  return readHead(await deps.files.open(upload.id), upload.fileSniff as Sniff, upload.columns, deps.config.limits, headerRow);
}

/** Applies `{ columnKey: headingIndex | null }` to the per-heading keys, refusing what cannot be meant. */
function applyMapping(keys: (string | null)[], changes: Record<string, number | null>, columns: Column[], headingCount: number): void {
  const known = new Set(columns.map((c) => c.key));
  const targets = new Map<number, string>();
  for (const [key, index] of Object.entries(changes)) {
    if (!known.has(key)) throw badRequest('invalid_request', `mapping: the template has no column "${key}"`);
    if (index === null) continue;
    if (index >= headingCount) throw badRequest('invalid_request', `mapping/${key}: the file has headings 0 to ${headingCount - 1}`);
    if (targets.has(index)) throw badRequest('invalid_request', `mapping/${key}: heading ${index} is given to "${targets.get(index)}" too`);
    targets.set(index, key);
  }
  for (const key of Object.keys(changes)) {
    const at = keys.indexOf(key);
    if (at !== -1) keys[at] = null;
  }
  for (const [index, key] of targets) keys[index] = key;
}

/** `head`: the file's top, read while the upload is being mapped (and not after). */
function mappingView(
  upload: Pick<UploadRow, 'id' | 'status' | 'columns' | 'fileSniff'>, head: FileHead | undefined, keys: (string | null)[], headerRow: number,
) {
  const { columns } = upload;
  const byHeading = new Map(head?.suggestion.suggestions.map((s) => [s.index, s]) ?? []);
  const mapped = new Set(keys);
  return {
    uploadId: upload.id,
    status: upload.status,
    ...sheetOf(upload.fileSniff as Sniff),
    headerRow,
    headerSheetRow: head?.headerSheetRow,
    headings: head?.headings.map((heading, index) => ({
      index,
      heading,
      key: keys[index] ?? null,
      suggestedKey: byHeading.get(index)?.key ?? null,
      confidence: byHeading.get(index)?.confidence ?? 0,
    })),
    columns: columns.map((c) => ({ key: c.key, name: c.name, required: c.required, heading: keys.indexOf(c.key) === -1 ? null : keys.indexOf(c.key) })),
    missingRequired: columns.filter((c) => c.required && c.defaultValue === undefined && !mapped.has(c.key)).map((c) => c.key),
    sample: head?.sample,
    sampleSheetRows: head?.sampleSheetRows,
  };
}
