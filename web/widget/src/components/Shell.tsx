// The frame around every step: the title, the close button, and the steps with the current one marked.
import type { ReactNode } from 'react';
import type { Step } from '../App.tsx';
import { emit } from '../host.ts';
import { useTexts } from '../i18n/texts.ts';

const STEPS: { step: Step; text: 'stepUpload' | 'stepHeader' | 'stepMapping' | 'stepReview' | 'stepConfirm' }[] = [
  { step: 'upload', text: 'stepUpload' },
  { step: 'header', text: 'stepHeader' },
  { step: 'mapping', text: 'stepMapping' },
  { step: 'review', text: 'stepReview' },
  { step: 'confirm', text: 'stepConfirm' },
];

export function Shell({ title, step, children }: { title: string; step: Step | null; children: ReactNode }) {
  const { t } = useTexts();
  const current = STEPS.findIndex((s) => s.step === step);
  return (
    <div className="shell">
      <header className="shell-header">
        <h1>{title}</h1>
        <button type="button" className="icon-button" aria-label={t('close')} onClick={() => emit('close')}>×</button>
      </header>
      {step && (
        <nav aria-label={t('stepsLabel')}>
          <ol className="steps">
            {STEPS.map((s, i) => (
              <li key={s.step} aria-current={i === current ? 'step' : undefined} className={i < current ? 'done' : undefined}>
                <span className="step-number" aria-hidden="true">{i + 1}</span>
                <span className="step-name">{t(s.text)}</span>
              </li>
            ))}
          </ol>
        </nav>
      )}
      <main className="shell-main">{children}</main>
    </div>
  );
}
