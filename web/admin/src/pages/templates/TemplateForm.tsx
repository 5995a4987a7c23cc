// A template's code (when it is made), name and columns, sent as one request; the API's refusal is shown at the field
// it names, and focus goes there.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, type Column } from '../../api.ts';
import { Field } from '../../components/Field.tsx';
import { Problem } from '../../components/Messages.tsx';
import { describeError } from '../../use-api.ts';
import { ColumnEditor } from './ColumnEditor.tsx';
import { columnOf, newDraft, type ColumnDraft } from './column-draft.ts';
import { fieldErrorOf, type FieldError } from './field-errors.ts';

interface Props {
  /** Given when a new template is made; an existing template's code does not change. */
  withCode: boolean;
  initialName: string;
  initialColumns: ColumnDraft[];
  submitLabel: string;
  onSubmit: (body: { code: string; name: string; columns: Column[] }) => Promise<void>;
}

export function TemplateForm({ withCode, initialName, initialColumns, submitLabel, onSubmit }: Props) {
  const [code, setCode] = useState('');
  const [name, setName] = useState(initialName);
  const [columns, setColumns] = useState<ColumnDraft[]>(initialColumns.length > 0 ? initialColumns : [newDraft()]);
  const [error, setError] = useState<FieldError | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const [tries, setTries] = useState(0);

  // After a refusal: focus on the field it names, else on the message.
  useEffect(() => {
    if (tries === 0) return;
    const target = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.current?.querySelector<HTMLElement>('.form-problem');
    target?.focus();
  }, [tries]);

  const change = (i: number, patch: Partial<ColumnDraft>) => setColumns((all) => all.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const move = (i: number, by: -1 | 1) => setColumns((all) => {
    const copy = all.slice();
    [copy[i], copy[i + by]] = [copy[i + by], copy[i]];
    return copy;
  });
  const remove = (i: number) => setColumns((all) => all.filter((_, j) => j !== i));
  const add = () => {
    setColumns((all) => [...all, newDraft()]);
    // The new column's first field, once it is there.
    requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('.column-card:last-of-type input')?.focus());
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setProblem(null);
    try {
      await onSubmit({ code: code.trim(), name: name.trim(), columns: columns.map(columnOf) });
    } catch (err) {
      const found = err instanceof ApiError && err.status === 400 ? fieldErrorOf(err.detail) : null;
      setError(found);
      setProblem(found ? `Not saved: ${found.detail}` : `Not saved: ${describeError(err)}`);
      setTries((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  const at = (path: string) => (error?.path === path ? error.message : null);
  const columnError = (i: number) => {
    if (!error || !error.path.startsWith(`columns/${i}`)) return null;
    const rest = error.path.slice(`columns/${i}`.length);
    if (rest !== '' && !rest.startsWith('/')) return null;
    return { field: rest.slice(1), message: error.message };
  };

  return (
    <form ref={form} onSubmit={submit} noValidate className="template-form">
      {problem && <div className="form-problem" tabIndex={-1}><Problem>{problem}</Problem></div>}
      <div className="form-grid">
        {withCode && (
          <Field label="Code" hint="Names the template in the API and in every delivered page; letters, digits, _ and -." error={at('code')}>
            {(c) => <input {...c} value={code} spellCheck={false} autoComplete="off" onChange={(e) => setCode(e.target.value)} />}
          </Field>
        )}
        <Field label="Template name" hint="What people importing see." error={at('name')}>
          {(c) => <input {...c} value={name} autoComplete="off" onChange={(e) => setName(e.target.value)} />}
        </Field>
      </div>
      <h2 className="columns-heading">Columns</h2>
      {at('columns') && <p className="field-error" role="alert">{at('columns')}</p>}
      <div className="columns">
        {columns.map((d, i) => (
          <ColumnEditor key={d.uid} draft={d} index={i} count={columns.length} error={columnError(i)}
            onChange={(patch) => change(i, patch)} onMove={(by) => move(i, by)} onRemove={() => remove(i)} />
        ))}
      </div>
      <div className="actions">
        <button type="button" onClick={add}>Add a column</button>
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : submitLabel}</button>
      </div>
    </form>
  );
}
