// Server-side import: receives a file, checks it can be read and matches the template, and queues it for ingest.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { AppError, badRequest, conflict } from '../errors.ts';
import { extraToJson } from '../delivery/payload.ts';
import { spoolPath } from '../ingest/ingest-runner.ts';
import { mapHeadings } from '../ingest/map-headings.ts';
import { readRows } from '../ingest/read-rows.ts';
import { sniffFile, type Sniff } from '../ingest/sniff.ts';
import type { Cell, Column } from '../ingest/types.ts';
import { UploadStatus } from '../store/states.ts';
import { findDestination } from '../store/templates-queries.ts';
import { insertUpload } from '../store/uploads-queries.ts';
import type { ApiDeps } from './http.ts';
import { requireTemplate } from './templates.ts';

const MAX_AUTH_VALUE = 8 * 1024;
const MAX_FIELD_BYTES = 1024 * 1024;

export function importRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post('/v1/imports', async (req, reply) => {
    if (!req.isMultipart()) {
      throw new AppError(415, 'multipart_required', 'send multipart/form-data with the fields "template" and "file"');
    }
    const uploadId = randomUUID();
    const file = spoolPath(deps.config.dataDir, uploadId);
    await mkdir(dirname(file), { recursive: true });
    try {
      const fields: Record<string, string> = {};
      let fileName: string | undefined;
      const parts = req.parts({ limits: { fileSize: deps.config.maxFileBytes, files: 1, fields: 20, fieldSize: MAX_FIELD_BYTES } });
      for await (const part of parts) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file') throw badRequest('invalid_request', `unexpected file field "${part.fieldname}"; send the file as "file"`);
          await pipeline(part.file, createWriteStream(file));
          fileName = part.filename;
        } else {
          if (part.valueTruncated) throw badRequest('invalid_request', `${part.fieldname}: longer than ${MAX_FIELD_BYTES} bytes`);
          fields[part.fieldname] = String(part.value);
        }
      }
      if (!fields.template) throw badRequest('invalid_request', 'template: the template code is required');
      if (fileName === undefined) throw badRequest('invalid_request', 'file: a CSV or XLSX file is required');
      const authHeaderValue = fields.authHeaderValue || undefined;
      if (authHeaderValue !== undefined && (authHeaderValue.length > MAX_AUTH_VALUE || /[\r\n\0]/.test(authHeaderValue))) {
        throw badRequest('invalid_request', `authHeaderValue: must be at most ${MAX_AUTH_VALUE} characters on one line`);
      }

      const template = await requireTemplate(deps, req.projectId, fields.template);
      if (!(await findDestination(deps.db, template.id))) {
        throw conflict('destination_missing', `template "${template.code}" has no webhook destination: PUT /v1/templates/${template.code}/destination first`);
      }
      const sniff = await sniffFile(file);
      await checkHead(file, sniff, template.columns);

      await insertUpload(deps.db, {
        id: uploadId,
        projectId: req.projectId,
        templateId: template.id,
        templateCode: template.code,
        columns: template.columns,
        status: UploadStatus.ingesting,
        fileName,
        fileFormat: sniff.format,
        fileBytes: (await stat(file)).size,
        fileSniff: sniff,
        authHeaderValue: authHeaderValue === undefined ? null : deps.secrets.seal(authHeaderValue),
        extraJson: extraToJson(fields.extra),
      });
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
    deps.ingest.wake();
    return reply.code(202).header('location', `/v1/uploads/${uploadId}`).send({ uploadId, status: UploadStatus.ingesting });
  });
}

/** Reads the headings and the first data row, so that a file that cannot work is refused now, not later. */
async function checkHead(file: string, sniff: Sniff, columns: Column[]): Promise<void> {
  const head: Cell[][] = [];
  for await (const row of readRows(file, sniff)) {
    if (!row.some((cell) => cell !== null && String(cell).trim() !== '')) continue;
    head.push(row);
    if (head.length === 2) break;
  }
  if (head.length === 0) throw badRequest('file_empty', 'the file has no rows');
  const mapping = mapHeadings(head[0], columns);
  if (mapping.keys.every((k) => k === null)) {
    throw badRequest('missing_columns', `none of the file's headings match the template's columns; headings found: ${describe(head[0])}`);
  }
  if (mapping.missingRequired.length > 0) {
    throw badRequest('missing_columns',
      `required columns not found in the file: ${mapping.missingRequired.map((c) => c.name).join(', ')}; headings found: ${describe(head[0])}`);
  }
  if (head.length === 1) throw badRequest('no_data_rows', 'the file has headings but no data rows');
}

function describe(headings: Cell[]): string {
  const shown = headings.filter((h) => h !== null && String(h).trim() !== '').slice(0, 20).map((h) => `"${String(h).trim()}"`);
  return shown.length ? shown.join(', ') : '(none)';
}
