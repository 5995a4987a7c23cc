// A question before something that cannot be undone, in the browser's own modal dialog: it holds focus, Escape
// cancels, and focus goes back to the button that opened it.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { describeError } from '../use-api.ts';

interface Props {
  title: string;
  children: ReactNode;
  confirm: string;
  /** Runs when the person confirms; a failure is shown in the dialog, which stays open. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog({ title, children, confirm, onConfirm, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const d = dialog.current!;
    // Opened by the same click that mounts it; the opener keeps its place for the browser to give focus back to.
    // Removed from the page, a modal dialog closes with it.
    if (!d.open) d.showModal();
  }, []);

  const go = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setBusy(false);
      setProblem(describeError(err));
    }
  };

  return (
    <dialog ref={dialog} className="confirm" aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`} onClose={onClose}>
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`}>{children}</div>
      {problem && <p className="problem" role="alert">{problem}</p>}
      <div className="actions">
        <button type="button" autoFocus onClick={() => dialog.current?.close()}>Cancel</button>
        <button type="button" className="danger filled" disabled={busy} onClick={() => void go()}>{confirm}</button>
      </div>
    </dialog>
  );
}
