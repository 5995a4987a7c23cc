// Copies a text to the clipboard and says so; where the clipboard is refused, says to select the text instead.
import { useState } from 'react';

export function CopyButton({ text, label = 'Copy', what }: { text: string; label?: string; what?: string }) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid('Copied.');
    } catch {
      setSaid('Could not copy: select the text and copy it.');
    }
  };
  return (
    <span className="copy">
      <button type="button" onClick={() => void copy()} aria-label={what ? `${label} ${what}` : undefined}>{label}</button>
      <span role="status" className="hint small"> {said}</span>
    </span>
  );
}
