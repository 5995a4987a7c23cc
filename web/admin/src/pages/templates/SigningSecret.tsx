// The destination's signing secret: shown once when it is rotated (DestinationForm shows the one a new destination gets); rotation keeps the old one signing for a
// grace period; and how a receiver verifies a delivery with the standardwebhooks library.
import { useId, useState } from 'react';
import type { RotatedSecret } from '../../api.ts';
import { CodeBlock } from '../../components/CodeBlock.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { Field } from '../../components/Field.tsx';
import { formatDate } from '../../format.ts';
import { useApi } from '../../use-api.ts';

const GRACE = [
  { seconds: 0, label: 'None: the old secret stops at once' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 24 * 3600, label: '24 hours' },
  { seconds: 7 * 24 * 3600, label: '7 days' },
];

const VERIFY = `// npm install standardwebhooks
import { Webhook } from 'standardwebhooks';

// The signing secret (whsec_...), kept on your server, e.g. in an environment variable.
const webhook = new Webhook(process.env.SHEETHOOK_SIGNING_SECRET);

// In your endpoint: verify the raw body, exactly as received, before parsing it.
export function receive(rawBody, headers) {
  // Throws WebhookVerificationError when webhook-id, webhook-timestamp or webhook-signature
  // do not match: answer 401 then.
  const page = webhook.verify(rawBody, {
    'webhook-id': headers['webhook-id'],
    'webhook-timestamp': headers['webhook-timestamp'],
    'webhook-signature': headers['webhook-signature'],
  });
  // page: { template, uploadId, data, totalRecords, totalPages, page, pageSize, extra }
  // webhook-id is the same on every retry of a page: store it with the rows to ignore repeats.
  return page;
}`;

export function RevealedSecret({ secret, note }: { secret: string; note?: string }) {
  return (
    <div className="secret" role="status">
      <p><strong>The signing secret, shown this once.</strong> Copy it now into your receiver's configuration: it cannot be shown again. {note}</p>
      <code>{secret}</code>
      <CopyButton text={secret} what="the signing secret" />
    </div>
  );
}

export function SigningSecret({ code }: { code: string }) {
  const api = useApi();
  const id = useId();
  const [grace, setGrace] = useState(24 * 3600);
  const [asking, setAsking] = useState(false);
  const [rotated, setRotated] = useState<RotatedSecret | null>(null);
  const graceLabel = GRACE.find((g) => g.seconds === grace)!.label;

  return (
    <section className="section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Signing secret</h2>
      <p className="hint">
        Every request carries Standard Webhooks headers: <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code>,
        an HMAC of the body made with this secret. Your receiver checks it to know the rows come from here.
      </p>
      {rotated && (
        <RevealedSecret secret={rotated.signingSecret}
          note={rotated.previousSecretExpiresAt
            ? `The previous secret keeps signing too (a second signature) until ${formatDate(rotated.previousSecretExpiresAt)}.`
            : 'The previous secret no longer signs.'} />
      )}
      <div className="rotate">
        <Field label="Grace period" hint="How long the previous secret keeps signing beside the new one, while your receivers move over.">
          {(c) => (
            <select {...c} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
              {GRACE.map((g) => <option key={g.seconds} value={g.seconds}>{g.label}</option>)}
            </select>
          )}
        </Field>
        <button type="button" onClick={() => setAsking(true)}>Rotate secret</button>
      </div>
      {asking && (
        <ConfirmDialog title="Rotate the signing secret?" confirm="Rotate secret"
          onConfirm={async () => setRotated(await api.rotateSecret(code, grace))}
          onClose={() => setAsking(false)}>
          <p>A new secret is made and shown once. Grace period: {graceLabel.toLowerCase()}.</p>
        </ConfirmDialog>
      )}
      <CodeBlock title="Verify a delivery (Node.js)" code={VERIFY} language="js" />
    </section>
  );
}
