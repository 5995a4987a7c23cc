// An example webhook receiver for sheethook: checks each request's Standard Webhooks signature, counts every page once
// (a repeated webhook-id is answered 200 and ignored) and prints what it got.
//
//   WEBHOOK_SECRET=whsec_... npm run example:receiver      (PORT: 4000 unless set)
import { createServer } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error('set WEBHOOK_SECRET to the destination\'s signingSecret (whsec_...), as answered when it was created');
  process.exit(1);
}
const webhook = new Webhook(secret);
const port = Number(process.env.PORT ?? 4000);
// In memory for the example; a real receiver keeps the ids it has handled with the rows it stored, in one transaction.
const seen = new Set();
const rowsByUpload = new Map();

const server = createServer((req, res) => {
  const answer = (status, text) => { res.writeHead(status, { 'content-type': 'text/plain' }); res.end(text); };
  if (req.method !== 'POST') return answer(405, 'POST webhooks here\n');
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', () => {
    // The signature covers the body exactly as sent: verify the raw text before parsing it.
    const raw = Buffer.concat(parts).toString('utf8');
    let page;
    try {
      page = webhook.verify(raw, req.headers);
    } catch (err) {
      const unsigned = err instanceof WebhookVerificationError;
      console.log(`refused a request: ${unsigned ? err.message : 'its body is not JSON'}`);
      return unsigned ? answer(401, 'signature not verified\n') : answer(400, 'body is not JSON\n');
    }
    const id = req.headers['webhook-id'];
    if (seen.has(id)) {
      // Sent again (a retry after a lost answer, or a redelivery): answered as done so it is not sent once more.
      console.log(`repeated ${id}: page ${page.page} of upload ${page.uploadId} ignored`);
      return answer(200, 'already received\n');
    }
    seen.add(id);
    if (page.uploadId === 'test') {
      // POST .../destination/test: sample records, a new webhook-id each time, nothing to count.
      console.log(`verified ${id}: a test page of template ${page.template}, ${page.pageSize} sample rows`);
      return answer(200, 'ok\n');
    }
    const rows = (rowsByUpload.get(page.uploadId) ?? 0) + page.pageSize;
    rowsByUpload.set(page.uploadId, rows);
    console.log(`verified ${id}: page ${page.page}/${page.totalPages} of upload ${page.uploadId} (template ${page.template}), ` +
      `${page.pageSize} rows; ${rows} of ${page.totalRecords} received`);
    for (const record of page.data) console.log(`  ${JSON.stringify(record)}`);
    answer(200, 'ok\n');
  });
});

server.listen(port, '127.0.0.1', () => console.log(`example receiver listening on http://127.0.0.1:${port}/`));
