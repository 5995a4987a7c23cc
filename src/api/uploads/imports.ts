// Server-side import: receives a file, checks it can be read and matches the template, and queues it for ingest.
import type { FastifyInstance } from 'fastify';
import { conflict } from '../../errors.ts';
import { extraToJson } from '../../delivery/payload.ts';
import { chooseSheet } from '../../ingest/choose-sheet.ts';
import { sniffFile, type Sniff } from '../../ingest/sniff.ts';
import { UploadStatus } from '../../domain/states.ts';
import { findDestination } from '../../store/templates-queries.ts';
import { checkMapping, readHead } from './file-head.ts';
import type { ApiDeps } from '../http.ts';
import { intField, receiveFile, type ReceivedFile } from './receive-file.ts';
import { ImportForm } from '../schemas.ts';
import { errorAnswer, UploadQueued } from '../answer-schemas.ts';
import { requireTemplate } from '../templates/templates.ts';
import type { TemplateRow } from '../../store/templates-queries.ts';

export function importRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post('/v1/imports', {
    config: { multipart: ImportForm },
    schema: {
      tags: ['Imports'], operationId: 'createImport', summary: 'Import a file: read, validate and deliver its rows in the background',
      response: {
        202: {
          ...UploadQueued,
          headers: { location: { type: 'string', description: 'the upload: /v1/uploads/{uploadId}' } },
        },
        400: errorAnswer('A field or the file is refused: `invalid_request` names the field; `missing_columns` names them and the headings found; '
          + '`no_data_rows`, `file_empty`, `file_unreadable`, `file_too_large` (unpacked), `field_too_large`, `sheet_not_found`, `too_many_columns`'),
        404: errorAnswer('No template with this code: `not_found`'),
        409: errorAnswer('The template has no destination: `destination_missing`'),
        415: errorAnswer('Not multipart: `multipart_required`; a file neither CSV nor XLSX (an `.xls` too): `unsupported_format`'),
      },
    },
  }, async (req, reply) => {
    const received = await receiveFile(req, deps);
    try {
      const template = await requireTemplate(deps, req.projectId, received.fields.template);
      if (!(await findDestination(deps.db, template.id))) {
        throw conflict('destination_missing', `template "${template.code}" has no webhook destination: PUT /v1/templates/${template.code}/destination first`);
      }
      const upload = await createUpload(deps, req.projectId, template, received, true);
      deps.ingest.wake();
      return reply.code(202).header('location', `/v1/uploads/${upload.id}`).send({ uploadId: upload.id, status: upload.status });
    } catch (err) {
      await received.discard();
      throw err;
    }
  });
}

/**
 * Sniffs the received file, finds its headings and maps them, and records the upload. A server-side import
 * (autoConfirm) takes the confident suggestions and goes straight to ingest; an interactive one waits for a mapping.
 */
export async function createUpload(
  deps: ApiDeps, projectId: string, template: TemplateRow, received: ReceivedFile, autoConfirm: boolean,
  session?: { sessionId: string; authHeaderValue: string | null; extraJson: string },
) {
  const { fields } = received;
  const sniffed = await sniffFile(received.path);
  // A workbook's sheet is chosen once, here, and kept with the upload: ingest reads the same one.
  const sniff: Sniff = sniffed.format === 'xlsx'
    ? { ...sniffed, ...await chooseSheet(received.path, template.columns, deps.config.limits, fields.sheet || undefined) }
    : sniffed;
  const head = await readHead(received.path, sniff, template.columns, deps.config.limits, intField(fields, 'headerRow', 0, 1000));
  if (autoConfirm) checkMapping(head, head.keys, template.columns, sniff);
  const upload = {
    id: received.uploadId,
    projectId,
    templateId: template.id,
    templateCode: template.code,
    columns: template.columns,
    status: autoConfirm ? UploadStatus.ingesting : UploadStatus.mapping,
    fileName: received.fileName,
    fileFormat: sniff.format,
    fileBytes: received.bytes,
    fileSniff: sniff,
    headerRow: head.headerRow,
    mapping: head.keys,
    autoConfirm,
    // A session's are sealed already, and its upload is the session's own.
    authHeaderValue: session ? session.authHeaderValue : fields.authHeaderValue ? deps.secrets.seal(fields.authHeaderValue) : null,
    extraJson: session ? session.extraJson : extraToJson(fields.extra),
    sessionId: session?.sessionId ?? null,
  };
  await deps.files.keep(upload, received.path);
  deps.log.info({ uploadId: upload.id, ...(session && { sessionId: session.sessionId }), template: template.code, fileFormat: sniff.format, fileBytes: received.bytes, status: upload.status },
    'upload received');
  return { ...upload, head };
}
