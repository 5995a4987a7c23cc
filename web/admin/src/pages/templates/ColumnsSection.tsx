// Edits a template's name and columns.
import { useState } from 'react';
import type { Template } from '../../api.ts';
import { Notice } from '../../components/Messages.tsx';
import { formatDate } from '../../format.ts';
import { useApi } from '../../use-api.ts';
import { TemplateForm } from './TemplateForm.tsx';
import { draftOf } from './column-draft.ts';

export function ColumnsSection({ template, onSaved }: { template: Template; onSaved: () => Promise<void> }) {
  const api = useApi();
  const [saved, setSaved] = useState<string | null>(null);
  // The drafts are made once: a reload after saving keeps what the person sees (it is what was saved).
  const [initial] = useState(() => template.columns.map(draftOf));
  return (
    <section aria-label="Columns">
      {saved && <Notice>{saved}</Notice>}
      <TemplateForm withCode={false} initialName={template.name} initialColumns={initial} submitLabel="Save columns"
        onSubmit={async ({ name, columns }) => {
          setSaved(null);
          const after = await api.updateTemplate(template.code, { name, columns });
          setSaved(`Saved at ${formatDate(after.updatedAt)}.`);
          await onSaved();
        }} />
    </section>
  );
}
