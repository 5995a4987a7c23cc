// The project's API keys: listed by prefix with when they were made and last used; a new key shown once; revoke.
import { useState, type FormEvent } from 'react';
import type { ApiKey } from '../../api.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { CopyButton } from '../../components/CopyButton.tsx';
import { Field } from '../../components/Field.tsx';
import { LoadFailed, Loading, Notice, Problem } from '../../components/Messages.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatAgo, formatDate } from '../../format.ts';
import { describeError, useApi, useSession } from '../../use-api.ts';
import { useResource } from '../../use-resource.ts';

/** How a key is named to a person: its prefix, else its name (a key given by SHEETHOOK_API_KEY has no prefix kept). */
const keyLabel = (k: ApiKey) => (k.prefix ? `${k.prefix}…` : k.name ?? k.id.slice(0, 8));

export function ApiKeysPage() {
  const api = useApi();
  const { session } = useSession();
  const keys = useResource(() => api.apiKeys(), []);
  const [name, setName] = useState('');
  const [made, setMade] = useState<(ApiKey & { key: string }) | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [news, setNews] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setNews(null);
    try {
      setMade(await api.createApiKey(name.trim() || undefined));
      setName('');
      await keys.reload();
    } catch (err) {
      setProblem(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="API keys" lead="Each key has the project's full access: your backend uses one to make import sessions and manage templates." />
      {news && <Notice>{news}</Notice>}
      <form className="section" onSubmit={create} aria-labelledby="new-key-heading">
        <h2 id="new-key-heading">New key</h2>
        <div className="inline-form">
          <Field label="Name (optional)" hint="What the key is for, e.g. “production backend”.">
            {(c) => <input {...c} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Creating…' : 'Create key'}</button>
        </div>
        {problem && <Problem>{problem}</Problem>}
        {made && (
          <div className="secret" role="status">
            <p><strong>The new key{made.name ? ` “${made.name}”` : ''}, shown this once.</strong> Copy it now and keep it on your server: only its prefix is kept here.</p>
            <code>{made.key}</code>
            <CopyButton text={made.key} what="the new API key" />
          </div>
        )}
      </form>
      {keys.error ? <LoadFailed error={keys.error} retry={keys.reload} /> : null}
      {!keys.data && !keys.error && <Loading what="API keys" />}
      {keys.data && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr><th scope="col">Key</th><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {keys.data.apiKeys.map((k) => (
                <tr key={k.id} data-key={k.id}>
                  <th scope="row">
                    {k.prefix ? <code>{k.prefix}…</code> : <span className="hint">no prefix kept</span>}
                    {k.id === session.apiKey.id && <> <span className="badge busy">this session</span></>}
                  </th>
                  <td>{k.name ?? <span className="hint">—</span>}</td>
                  <td className="nowrap">{formatDate(k.createdAt)}</td>
                  <td className="nowrap">{k.lastUsedAt ? <time dateTime={k.lastUsedAt} title={formatDate(k.lastUsedAt)}>{formatAgo(k.lastUsedAt)}</time> : 'never'}</td>
                  <td><button type="button" className="danger" onClick={() => setRevoking(k)}>Revoke<span className="visually-hidden"> key {keyLabel(k)}</span></button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking && (
        <ConfirmDialog title={`Revoke the key ${keyLabel(revoking)}?`} confirm="Revoke key"
          onConfirm={async () => {
            await api.revokeApiKey(revoking.id);
            if (made?.id === revoking.id) setMade(null);
            // Told once the list no longer shows it: what is announced and what is on screen agree.
            await keys.reload();
            setNews(`Key ${keyLabel(revoking)} revoked.`);
          }}
          onClose={() => setRevoking(null)}>
          <p>Every request made with it is refused from now on, and the console sessions signed in with it end.</p>
          {revoking.id === session.apiKey.id && <p><strong>This console is signed in with this key: you will be signed out.</strong></p>}
        </ConfirmDialog>
      )}
    </>
  );
}
