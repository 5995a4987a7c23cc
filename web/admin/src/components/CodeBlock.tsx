// A snippet to copy: its heading, the code (a focusable region, so it scrolls by keyboard too) and a copy button.
import { useId } from 'react';
import { CopyButton } from './CopyButton.tsx';

export function CodeBlock({ title, code, language }: { title: string; code: string; language?: string }) {
  const id = useId();
  return (
    <div className="code-block">
      <div className="code-block-head">
        <h3 id={id}>{title}</h3>
        <CopyButton text={code} what={title} />
      </div>
      <pre tabIndex={0} aria-labelledby={id} data-language={language}><code>{code}</code></pre>
    </div>
  );
}
