// Deleting the selected rows, asked once more: a deleted row is gone from the import and cannot be brought back.
import { useState } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import { useTexts } from '../i18n/texts.ts';

interface Props { count: number; onConfirm: () => Promise<void> }

export function DeleteRowsDialog({ count, onConfirm }: Props) {
  const { t } = useTexts();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };

  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <button type="button" disabled={count === 0}>{t('deleteSelected', { count })}</button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        {/* An alert dialog: it interrupts to ask about a loss. Focus starts on Cancel, the answer that loses nothing. */}
        <Dialog.Content className="dialog" role="alertdialog">
          <Dialog.Title>{t('deleteTitle', { count })}</Dialog.Title>
          <Dialog.Description className="hint">{t('deleteHint')}</Dialog.Description>
          <div className="actions">
            <Dialog.Close asChild><button type="button">{t('cancel')}</button></Dialog.Close>
            <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>{t('deleteConfirm', { count })}</button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
