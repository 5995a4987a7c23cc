// The project's templates: each with its columns' count and when it changed; made, opened and deleted from here.
import { useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { LoadFailed, Loading, Notice } from '../../components/Messages.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDate } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useApi } from '../../use-api.ts';
import { useResource } from '../../use-resource.ts';
import type { Template } from '../../api.ts';

export function TemplatesPage() {
  const api = useApi();
  const list = useResource(() => api.templates(), []);
  const [deleting, setDeleting] = useState<Template | null>(null);
  const [news, setNews] = useState<string | null>(null);

  return (
    <>
      <PageHeader title="Templates" lead="The columns an import expects, their rules, and where the rows are delivered.">
        <Link className="button primary" to="/templates/new">New template</Link>
      </PageHeader>
      {news && <Notice>{news}</Notice>}
      {list.error ? <LoadFailed error={list.error} retry={list.reload} /> : null}
      {!list.data && !list.error && <Loading what="templates" />}
      {list.data && list.data.templates.length === 0 && (
        <p className="empty">No templates yet. <Link to="/templates/new">Make the first one</Link>.</p>
      )}
      {list.data && list.data.templates.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Code</th><th scope="col" className="number">Columns</th><th scope="col">Changed</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {list.data.templates.map((t) => (
                <tr key={t.code}>
                  <th scope="row"><Link to={`/templates/${encodeURIComponent(t.code)}`}>{t.name}</Link></th>
                  <td><code>{t.code}</code></td>
                  <td className="number">{t.columns.length}</td>
                  <td className="nowrap">{formatDate(t.updatedAt)}</td>
                  <td className="nowrap">
                    <button type="button" className="danger" onClick={() => setDeleting(t)}>Delete<span className="visually-hidden"> template {t.name}</span></button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete the template “${deleting.name}”?`}
          confirm="Delete template"
          onConfirm={async () => {
            await api.deleteTemplate(deleting.code);
            // Told once the list no longer shows it: what is announced and what is on screen agree.
            await list.reload();
            setNews(`Template “${deleting.name}” deleted.`);
          }}
          onClose={() => setDeleting(null)}
        >
          <p>Its columns and its webhook destination are deleted; imports can no longer be started for <code>{deleting.code}</code>. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
