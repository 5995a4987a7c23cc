// Makes a template: its code, name and columns; then on to its destination.
import { PageHeader } from '../../components/PageHeader.tsx';
import { Link, navigate } from '../../router.tsx';
import { useApi } from '../../use-api.ts';
import { TemplateForm } from './TemplateForm.tsx';

export function NewTemplatePage() {
  const api = useApi();
  return (
    <>
      <p className="breadcrumb"><Link to="/templates">Templates</Link></p>
      <PageHeader title="New template" />
      <TemplateForm withCode initialName="" initialColumns={[]} submitLabel="Create template"
        onSubmit={async (body) => {
          const made = await api.createTemplate(body);
          navigate(`/templates/${encodeURIComponent(made.code)}/destination?created=1`);
        }} />
    </>
  );
}
