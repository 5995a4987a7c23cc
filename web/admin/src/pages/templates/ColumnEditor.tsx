// One column of a template: its name, key and type, the rules every column has, and the rules of its type.
import { Field } from '../../components/Field.tsx';
import type { ColumnType } from '../../api.ts';
import { COLUMN_TYPES, RULES_OF, keyFromName, type ColumnDraft } from './column-draft.ts';

interface Props {
  draft: ColumnDraft;
  index: number;
  count: number;
  /** The API's refusal at one of this column's fields ('key', 'selectValues', …), or of the whole column (''). */
  error: { field: string; message: string } | null;
  onChange: (patch: Partial<ColumnDraft>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}

export function ColumnEditor({ draft: d, index, count, error, onChange, onMove, onRemove }: Props) {
  const rules = RULES_OF[d.type];
  const at = (field: string) => (error && error.field === field ? error.message : null);
  const title = `Column ${index + 1}${d.name.trim() ? `: ${d.name.trim()}` : ''}`;
  const named = d.name.trim() || `${index + 1}`;

  return (
    <fieldset className="column-card" data-column={index}>
      <legend>{title}</legend>
      {at('') && <p className="field-error" role="alert">{at('')}</p>}
      <div className="form-grid">
        <Field label="Name" hint="The heading a person sees." error={at('name')}>
          {(c) => (
            <input {...c} value={d.name} onChange={(e) => onChange({
              name: e.target.value, ...(d.keyTyped ? {} : { key: keyFromName(e.target.value) }),
            })} />
          )}
        </Field>
        <Field label="Key" hint="The field name in each delivered record: letters, digits, _ . - ; not starting with a digit." error={at('key')}>
          {(c) => <input {...c} value={d.key} spellCheck={false} onChange={(e) => onChange({ key: e.target.value, keyTyped: true })} />}
        </Field>
        <Field label="Type" error={at('type')}>
          {(c) => (
            <select {...c} value={d.type} onChange={(e) => onChange({ type: e.target.value as ColumnType })}>
              {COLUMN_TYPES.map((t) => <option key={t.type} value={t.type}>{t.label}</option>)}
            </select>
          )}
        </Field>
      </div>
      <div className="checks">
        <Check label="Required" hint="Every row must have a value." checked={d.required} error={at('required')} onChange={(required) => onChange({ required })} />
        <Check label="Unique" hint="No two rows may have the same value." checked={d.unique} error={at('unique')} onChange={(unique) => onChange({ unique })} />
      </div>
      <div className="form-grid">
        {rules.bounds && (
          <>
            <Field label="Minimum" hint="The smallest value allowed." error={at('min')}>
              {(c) => <input {...c} type="number" step="any" value={d.min} onChange={(e) => onChange({ min: e.target.value })} />}
            </Field>
            <Field label="Maximum" hint="The largest value allowed." error={at('max')}>
              {(c) => <input {...c} type="number" step="any" value={d.max} onChange={(e) => onChange({ max: e.target.value })} />}
            </Field>
          </>
        )}
        {rules.lengths && (
          <>
            <Field label="Minimum length" hint="Characters, at least." error={at('minLength')}>
              {(c) => <input {...c} type="number" min={0} step={1} value={d.minLength} onChange={(e) => onChange({ minLength: e.target.value })} />}
            </Field>
            <Field label="Maximum length" hint="Characters, at most." error={at('maxLength')}>
              {(c) => <input {...c} type="number" min={1} step={1} value={d.maxLength} onChange={(e) => onChange({ maxLength: e.target.value })} />}
            </Field>
          </>
        )}
        {rules.regex && (
          <Field label="Pattern" className="wide" hint="A regular expression every value must match, e.g. ^[A-Z]{2}-\d{4}$." error={at('regex')}>
            {(c) => <input {...c} value={d.regex} spellCheck={false} onChange={(e) => onChange({ regex: e.target.value })} />}
          </Field>
        )}
        {rules.dates && (
          <Field label="Date formats" className="wide" hint="Tried in order after ISO dates (2024-03-31), one a line, e.g. DD/MM/YYYY." error={at('dateFormats')}>
            {(c) => <textarea {...c} rows={2} value={d.dateFormats} spellCheck={false} onChange={(e) => onChange({ dateFormats: e.target.value })} />}
          </Field>
        )}
        {rules.select && (
          <>
            <Field label="Values" className="wide" hint="The values a cell may hold, one a line." error={at('selectValues')}>
              {(c) => <textarea {...c} rows={3} value={d.selectValues} onChange={(e) => onChange({ selectValues: e.target.value })} />}
            </Field>
            <div className="wide">
              <Check label="Several values in a cell" hint="The cell holds a list, delivered as an array." checked={d.multiSelect}
                error={at('multiSelect')} onChange={(multiSelect) => onChange({ multiSelect })} />
            </div>
            {d.multiSelect && (
              <Field label="Delimiter" hint="What separates the values in a cell; a comma when empty." error={at('delimiter')}>
                {(c) => <input {...c} value={d.delimiter} maxLength={10} onChange={(e) => onChange({ delimiter: e.target.value })} />}
              </Field>
            )}
          </>
        )}
        <Field label="Alternate headings" hint="Other headings a file may use for this column, one a line: they are mapped to it." error={at('alternateKeys')}>
          {(c) => <textarea {...c} rows={2} value={d.alternateKeys} onChange={(e) => onChange({ alternateKeys: e.target.value })} />}
        </Field>
        <Field label="Default value" hint="Stands in for an empty cell, checked like one." error={at('defaultValue')}>
          {(c) => d.type === 'boolean'
            ? (
              <select {...c} value={d.defaultValue} onChange={(e) => onChange({ defaultValue: e.target.value })}>
                <option value="">None</option>
                <option value="true">Yes (true)</option>
                <option value="false">No (false)</option>
              </select>
            )
            : <input {...c} value={d.defaultValue} onChange={(e) => onChange({ defaultValue: e.target.value })} />}
        </Field>
      </div>
      <div className="button-row column-actions">
        <button type="button" disabled={index === 0} onClick={() => onMove(-1)}>Move up<span className="visually-hidden"> column {named}</span></button>
        <button type="button" disabled={index === count - 1} onClick={() => onMove(1)}>Move down<span className="visually-hidden"> column {named}</span></button>
        <button type="button" className="danger" disabled={count === 1} onClick={onRemove}>Remove column<span className="visually-hidden"> {named}</span></button>
      </div>
    </fieldset>
  );
}

function Check({ label, hint, checked, error, onChange }: {
  label: string; hint: string; checked: boolean; error: string | null; onChange: (checked: boolean) => void;
}) {
  return (
    <Field label={label} hint={hint} error={error} className="check-field">
      {(c) => <input {...c} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />}
    </Field>
  );
}
