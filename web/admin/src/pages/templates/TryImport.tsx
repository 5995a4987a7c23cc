// Opens the real import widget on this page, as a host app would: a session made for this console's origin, the
// service's /embed.js loaded once, Sheethook.open with the session's token.
import { useId, useState, type ReactNode } from 'react';
import { ApiError, type Template } from '../../api.ts';
import { Problem } from '../../components/Messages.tsx';
import { Link } from '../../router.tsx';
import { describeError, useApi } from '../../use-api.ts';

interface Embed {
  open(options: { sessionToken: string; title?: string; [callback: string]: unknown }): void;
}

declare global {
  interface Window { Sheethook?: Embed }
}

let loading: Promise<Embed> | undefined;

function loadEmbed(): Promise<Embed> {
  loading ??= new Promise<Embed>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/embed.js';
    script.onload = () => (window.Sheethook ? resolve(window.Sheethook) : reject(new Error('/embed.js did not define Sheethook')));
    script.onerror = () => {
      loading = undefined;
      script.remove();
      reject(new Error('could not load /embed.js'));
    };
    document.head.append(script);
  });
  return loading;
}

export function TryImport({ template }: { template: Template }) {
  const api = useApi();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ReactNode>(null);
  const [news, setNews] = useState<{ uploadId?: string; text: string } | null>(null);

  const start = async () => {
    setBusy(true);
    setProblem(null);
    setNews(null);
    try {
      const { sessionToken } = await api.createImportSession({ template: template.code, allowedOrigins: [location.origin], expiresInSeconds: 3600 });
      const embed = await loadEmbed();
      let uploadId: string | undefined;
      embed.open({
        sessionToken,
        title: `Try import: ${template.name}`,
        onUploadCompleted: (e: { uploadId?: string }) => {
          uploadId = e.uploadId;
          setNews({ uploadId, text: 'A file was read.' });
        },
        onDeliveryFinished: (e: { uploadId?: string; status?: string }) => {
          uploadId = e.uploadId ?? uploadId;
          setNews({ uploadId, text: `The import ended: ${String(e.status ?? '').replace(/_/g, ' ')}.` });
        },
        onClose: () => setNews((n) => n ?? { text: 'The import was closed.' }),
      });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'destination_missing') {
        setProblem(<>This template has no webhook yet: <Link to={`/templates/${encodeURIComponent(template.code)}/destination`}>enable it</Link> first.</>);
      } else {
        setProblem(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="section" aria-labelledby={`${id}-heading`}>
      <div className="section-head">
        <h2 id={`${id}-heading`}>Try it</h2>
        <button type="button" className="primary" disabled={busy} onClick={() => void start()}>{busy ? 'Opening…' : 'Try import'}</button>
      </div>
      <p className="hint">Opens the import widget as people will see it. Rows you send are delivered to this template's webhook, like any import.</p>
      <div role="status">
        {news && (
          <p>
            {news.text}{' '}
            {news.uploadId && <Link to={`/uploads/${news.uploadId}`}>See the upload</Link>}
          </p>
        )}
      </div>
      {problem && <Problem>{problem}</Problem>}
    </section>
  );
}
