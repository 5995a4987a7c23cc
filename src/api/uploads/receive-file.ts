// Receives a multipart upload: spools the file under the data directory and collects the text fields.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError, badRequest } from '../../errors.ts';
import type { ApiDeps } from '../http.ts';

const MAX_FIELD_BYTES = 1024 * 1024;
const MAX_AUTH_VALUE = 8 * 1024;

export interface ReceivedFile {
  uploadId: string;
  path: string;
  fileName: string;
  bytes: number;
  fields: Record<string, string>;
  /** Removes the spooled file: for a request that is refused after the file arrived. */
  discard(): Promise<void>;
}

export async function receiveFile(req: FastifyRequest, deps: ApiDeps): Promise<ReceivedFile> {
  if (!req.isMultipart()) {
    throw new AppError(415, 'multipart_required', 'send multipart/form-data with the fields "template" and "file"');
  }
  const uploadId = randomUUID();
  const path = deps.files.pathFor(uploadId);
  const discard = () => rm(path, { force: true });
  await mkdir(dirname(path), { recursive: true });
  try {
    const fields: Record<string, string> = {};
    let fileName: string | undefined;
    const parts = req.parts({ limits: { fileSize: deps.config.maxFileBytes, files: 1, fields: 20, fieldSize: MAX_FIELD_BYTES } });
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw badRequest('invalid_request', `unexpected file field "${part.fieldname}"; send the file as "file"`);
        await pipeline(part.file, createWriteStream(path));
        fileName = part.filename;
      } else {
        if (part.valueTruncated) throw badRequest('invalid_request', `${part.fieldname}: longer than ${MAX_FIELD_BYTES} bytes`);
        fields[part.fieldname] = String(part.value);
      }
    }
    if (req.importSession) {
      // A session's upload takes these from the session, which the host's backend made: the browser cannot set them.
      for (const name of ['authHeaderValue', 'extra']) {
        if (fields[name] !== undefined) throw badRequest('invalid_request', `${name}: not accepted with an import session token; the session carries it`);
      }
    } else if (!fields.template) throw badRequest('invalid_request', 'template: the template code is required');
    if (fileName === undefined) throw badRequest('invalid_request', 'file: a CSV or XLSX file is required');
    const authHeaderValue = fields.authHeaderValue;
    if (authHeaderValue && (authHeaderValue.length > MAX_AUTH_VALUE || /[\r\n\0]/.test(authHeaderValue))) {
      throw badRequest('invalid_request', `authHeaderValue: must be at most ${MAX_AUTH_VALUE} characters on one line`);
    }
    return { uploadId, path, fileName, bytes: (await stat(path)).size, fields, discard };
  } catch (err) {
    await discard();
    throw err;
  }
}

/** An optional whole-number field, or a 400 naming it. */
export function intField(fields: Record<string, string>, name: string, min: number, max: number): number | undefined {
  const raw = fields[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw badRequest('invalid_request', `${name}: must be a whole number from ${min} to ${max}`);
  return value;
}
