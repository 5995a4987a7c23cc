// A labelled control with its hint and its error, tied to it by id (aria-describedby), so both are read with it.
import { useId, type ReactNode } from 'react';

export interface FieldControl { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true }

interface Props {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  className?: string;
  children: (control: FieldControl) => ReactNode;
}

export function Field({ label, hint, error, className, children }: Props) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': described || undefined, 'aria-invalid': error ? true : undefined })}
      {error && <p id={`${id}-error`} className="field-error">{error}</p>}
      {hint && <p id={`${id}-hint`} className="hint">{hint}</p>}
    </div>
  );
}
