// How to put this template's import in an app: the backend call that makes a session, the script tag, the React
// package; and a "Try import" that opens the real widget here, with a session for this console's origin.
import type { Template } from '../../api.ts';
import { CodeBlock } from '../../components/CodeBlock.tsx';
import { TryImport } from './TryImport.tsx';

export function EmbedSection({ template }: { template: Template }) {
  const service = location.origin;
  const code = JSON.stringify(template.code);
  const title = JSON.stringify(`Import ${template.name}`);
  const backend = `// Your backend, when a signed-in person opens the import: your API key stays on the server.
const res = await fetch('${service}/v1/import-sessions', {
  method: 'POST',
  headers: { authorization: \`Bearer \${process.env.SHEETHOOK_API_KEY}\`, 'content-type': 'application/json' },
  body: JSON.stringify({
    template: ${code},
    authHeaderValue: userApiToken,       // sent to your callback URL in the Auth Header Name header
    extra: { userId: user.id },          // delivered with every page
    allowedOrigins: ['https://app.example.com'],
  }),
});
const { sessionToken } = await res.json(); // ist_...: the only thing the page gets`;
  const script = `<script src="${service}/embed.js"></script>
<button type="button" id="import">Import</button>
<script>
  document.getElementById('import').onclick = async () => {
    // Your backend's route that makes the session (above) and answers its token.
    const { sessionToken } = await (await fetch('/api/import-session', { method: 'POST' })).json();
    Sheethook.open({
      sessionToken, title: ${title},
      onDeliveryFinished: (e) => console.log(e.uploadId, e.status),
    });
  };
</script>`;
  const react = `// npm install @sheethook/react
import { SheethookImport } from '@sheethook/react';

const newToken = async () => (await (await fetch('/api/import-session', { method: 'POST' })).json()).sessionToken;

export function ImportButton() {
  return (
    <SheethookImport serviceUrl="${service}" sessionToken={newToken} title=${title}
      onDeliveryFinished={(e) => console.log(e.uploadId, e.status)}>
      Import
    </SheethookImport>
  );
}`;
  return (
    <>
      <TryImport template={template} />
      <section className="section" aria-labelledby="embed-heading">
        <h2 id="embed-heading">Embed the import</h2>
        <p className="hint">
          Your backend makes an import session for template <code>{template.code}</code> with your API key; the page opens the widget with its
          token only. <code>allowedOrigins</code> names the pages that may open it.
        </p>
        <CodeBlock title="1. Backend: make a session" code={backend} language="js" />
        <CodeBlock title="2a. Page: script tag" code={script} language="html" />
        <CodeBlock title="2b. Page: React" code={react} language="jsx" />
      </section>
    </>
  );
}
