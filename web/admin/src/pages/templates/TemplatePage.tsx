// One template: its columns, its destination and how to embed it, each a page of its own under the template's name.
import { LoadFailed, Loading } from '../../components/Messages.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Link } from '../../router.tsx';
import { useApi } from '../../use-api.ts';
import { useResource } from '../../use-resource.ts';
import { ColumnsSection } from './ColumnsSection.tsx';
import { DestinationSection } from './DestinationSection.tsx';
import { EmbedSection } from './EmbedSection.tsx';

export type TemplateTab = 'columns' | 'destination' | 'embed';

const TABS: { tab: TemplateTab; label: string; path: string }[] = [
  { tab: 'columns', label: 'Columns', path: '' },
  { tab: 'destination', label: 'Destination', path: '/destination' },
  { tab: 'embed', label: 'Embed', path: '/embed' },
];

export function TemplatePage({ code, tab }: { code: string; tab: TemplateTab }) {
  const api = useApi();
  const template = useResource(() => api.template(code), [code]);
  const base = `/templates/${encodeURIComponent(code)}`;
  const current = TABS.find((t) => t.tab === tab)!;

  if (template.error) return <><PageHeader title={`Template ${code}`} /><LoadFailed error={template.error} retry={template.reload} /></>;
  if (!template.data) return <Loading what="the template" />;
  const t = template.data;
  return (
    <>
      <p className="breadcrumb"><Link to="/templates">Templates</Link></p>
      <PageHeader title={`${t.name}: ${current.label.toLowerCase()}`} lead={<>Code <code>{t.code}</code> · {t.columns.length} columns</>}>
        <a className="button" href={`/v1/templates/${encodeURIComponent(code)}/sample?format=csv`} download>Sample CSV</a>
        <a className="button" href={`/v1/templates/${encodeURIComponent(code)}/sample?format=xlsx`} download>Sample XLSX</a>
      </PageHeader>
      <nav className="sub-nav" aria-label="Template">
        <ul>
          {TABS.map((item) => (
            <li key={item.tab}><Link to={base + item.path} aria-current={item.tab === tab ? 'page' : undefined}>{item.label}</Link></li>
          ))}
        </ul>
      </nav>
      {tab === 'columns' && <ColumnsSection template={t} onSaved={template.reload} />}
      {tab === 'destination' && <DestinationSection template={t} />}
      {tab === 'embed' && <EmbedSection template={t} />}
    </>
  );
}
