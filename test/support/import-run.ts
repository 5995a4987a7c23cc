// Runs one server-side import against a receiver that answers as told, and returns its final status and delivery log.
import { expect } from 'vitest';
import type { Answer, Received, Receiver } from './receiver.ts';
import { waitForFinal, type TestService } from './service.ts';
import { importForm, peopleCsv } from './files.ts';

export async function runImport(t: TestService, receiver: Receiver, rows: number, answer: (r: Received) => Answer, template = 'people') {
  receiver.received.length = 0;
  receiver.answer = answer;
  const res = await t.api('POST', '/v1/imports', importForm({ template, file: peopleCsv(rows) }));
  expect(res.status).toBe(202);
  const final = await waitForFinal(t, res.body.uploadId);
  const log = (await t.api('GET', `/v1/uploads/${res.body.uploadId}/deliveries`)).body.pages;
  return { final, log, uploadId: res.body.uploadId as string };
}
