// Which page a console path shows. Each page is keyed by its path's parameters, so another template or upload starts
// from a fresh page rather than from the last one's state.
import { Link, match, useLocation } from './router.tsx';
import { PageHeader } from './components/PageHeader.tsx';
import { DashboardPage } from './pages/dashboard/DashboardPage.tsx';
import { TemplatesPage } from './pages/templates/TemplatesPage.tsx';
import { NewTemplatePage } from './pages/templates/NewTemplatePage.tsx';
import { TemplatePage } from './pages/templates/TemplatePage.tsx';
import { UploadsPage } from './pages/uploads/UploadsPage.tsx';
import { UploadPage } from './pages/uploads/UploadPage.tsx';
import { ApiKeysPage } from './pages/api-keys/ApiKeysPage.tsx';

export function Routes() {
  const { path } = useLocation();
  let m: Record<string, string> | null;
  if (match('/', path)) return <DashboardPage />;
  if (match('/templates', path)) return <TemplatesPage />;
  if (match('/templates/new', path)) return <NewTemplatePage />;
  if ((m = match('/templates/:code', path))) return <TemplatePage key={`${m.code}/columns`} code={m.code} tab="columns" />;
  if ((m = match('/templates/:code/destination', path))) return <TemplatePage key={`${m.code}/destination`} code={m.code} tab="destination" />;
  if ((m = match('/templates/:code/embed', path))) return <TemplatePage key={`${m.code}/embed`} code={m.code} tab="embed" />;
  if (match('/uploads', path)) return <UploadsPage />;
  if ((m = match('/uploads/:id', path))) return <UploadPage key={m.id} uploadId={m.id} />;
  if (match('/api-keys', path)) return <ApiKeysPage />;
  return <NotFound path={path} />;
}

function NotFound({ path }: { path: string }) {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>The console has no page at <code>{path}</code>. <Link to="/">Go to the dashboard</Link>.</p>
    </>
  );
}
