// Sign in with an API key: the key is posted once and forgotten; the session lives in an HttpOnly cookie.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ConsoleSession } from '../api.ts';
import { describeError, useApi } from '../use-api.ts';

export function SignInPage({ message, onSignedIn }: { message?: string; onSignedIn: (session: ConsoleSession) => void }) {
  const api = useApi();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = 'Sign in · sheethook console';
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const field = input.current!;
    const key = field.value.trim();
    if (!key) {
      setProblem('Enter an API key.');
      field.focus();
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const session = await api.signIn(key);
      // The key leaves the page with this request: nothing keeps it, not even the field.
      field.value = '';
      onSignedIn(session);
    } catch (err) {
      setBusy(false);
      setProblem(describeError(err));
      field.focus();
    }
  };

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
        <h1 id={`${id}-heading`}>sheethook console</h1>
        {message && <p className="notice" role="status">{message}</p>}
        <p className="hint">Sign in with one of the project's API keys. The key is sent once to start a session and is not kept in this browser.</p>
        <div className="field">
          <label htmlFor={id}>API key</label>
          <input
            ref={input} id={id} name="apiKey" type="password" autoComplete="off" spellCheck={false} placeholder="sk_…"
            aria-invalid={problem ? true : undefined} aria-describedby={problem ? `${id}-problem` : undefined} autoFocus
          />
          {problem && <p id={`${id}-problem`} className="field-error" role="alert">{problem}</p>}
        </div>
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
