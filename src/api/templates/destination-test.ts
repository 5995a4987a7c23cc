// A test delivery: one sample page sent to the destination as a real one would be, and what the receiver answered.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { notFound } from '../../errors.ts';
import { buildBody, newWebhookId } from '../../delivery/payload.ts';
import { prepareRequest } from '../../delivery/prepare-request.ts';
import { sampleRecords } from '../../delivery/sample-chunk.ts';
import { sendSlot, slotReached } from '../../delivery/send-slots.ts';
import type { AttemptResult } from '../../delivery/webhook-client.ts';
import { findDestinationForSending, reserveSendSlot } from '../../store/templates-queries.ts';
import type { ApiDeps } from '../http.ts';
import { CodeParams, DestinationTestBody } from '../schemas.ts';
import { requireTemplate } from './templates.ts';
import { errorAnswer, TestDelivery } from '../answer-schemas.ts';

export function destinationTestRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/v1/templates/:code/destination/test', {
    schema: {
      tags: ['Destinations'], operationId: 'testDestination', summary: 'Send one page of sample records to the destination, as a delivery would',
      params: CodeParams, body: DestinationTestBody,
      response: { 200: TestDelivery, 404: errorAnswer('No template with this code, or it has no destination: `not_found`') },
    },
  }, async (req) => {
    const template = await requireTemplate(deps, req.projectId, req.params.code);
    const destination = await findDestinationForSending(deps.db, template.id);
    if (!destination) throw notFound(`destination of template "${req.params.code}"`);

    const records = sampleRecords(template.columns);
    const body = buildBody({
      templateCode: template.code, uploadId: 'test', totalRecords: records.length, totalPages: 1, page: 1,
      recordCount: records.length, extraJson: 'null',
    }, JSON.stringify(records));
    const webhookId = newWebhookId();
    const authHeaderValue = req.body?.authHeaderValue;
    const prepared = prepareRequest({
      ...destination,
      webhookId,
      authHeaderValue: authHeaderValue ? deps.secrets.seal(authHeaderValue) : null,
    }, body, deps.secrets, new Date());
    const notSent = (error: string): AttemptResult => ({ outcome: 'not_sent', startedAt: new Date(), durationMs: 0, error });
    const result: AttemptResult = 'notSent' in prepared
      ? notSent(prepared.notSent)
      : await sendInSlot(deps, template.id, (startedAt) => deps.client.send(prepared.request, startedAt), notSent);
    // Whatever the receiver said is the answer: its failure is not ours.
    return {
      webhookId,
      outcome: result.outcome,
      httpStatus: result.httpStatus ?? null,
      durationMs: result.durationMs,
      error: result.error ?? null,
      responseExcerpt: result.responseExcerpt ?? null,
    };
  });
}

/** A test send counts against the destination's rate limit like any delivery: it goes out in a send slot of its own. */
async function sendInSlot(
  deps: ApiDeps, templateId: string, send: (startedAt: Date) => Promise<AttemptResult>, notSent: (error: string) => AttemptResult,
): Promise<AttemptResult> {
  for (let tries = 0; tries < 3; tries++) {
    const askedAt = Date.now();
    const slotInMs = await reserveSendSlot(deps.db, templateId);
    if (slotInMs === null) return send(new Date());
    const slot = sendSlot(slotInMs, askedAt, Date.now());
    await slotReached(slot);
    const startedAt = new Date();
    if (startedAt.getTime() <= slot.until) return send(startedAt);
  }
  return notSent('the destination\'s rate limit gave no send slot in time; try again');
}
