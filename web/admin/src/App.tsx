// The console: the sign-in page until the session cookie is good, then the page the URL names, inside the layout.
import { useEffect, useMemo, useState } from 'react';
import { Api, ApiError, type ConsoleSession } from './api.ts';
import { ApiContext, SessionContext } from './use-api.ts';
import { Layout } from './components/Layout.tsx';
import { Routes } from './Routes.tsx';
import { SignInPage } from './pages/SignInPage.tsx';

type State =
  | { is: 'checking' }
  | { is: 'signed-out'; message?: string }
  | { is: 'signed-in'; session: ConsoleSession };

export function App() {
  const [state, setState] = useState<State>({ is: 'checking' });
  const api = useMemo(() => new Api((err: ApiError) => setState({ is: 'signed-out', message: sessionEndedMessage(err) })), []);

  useEffect(() => {
    api.currentSession().then(
      (session) => setState({ is: 'signed-in', session }),
      (err) => setState(err instanceof ApiError && err.status === 401 ? { is: 'signed-out' } : { is: 'signed-out', message: String((err as Error).message) }),
    );
  }, [api]);

  const signIn = (session: ConsoleSession) => setState({ is: 'signed-in', session });
  const signOut = () => {
    api.signOut().catch(() => undefined).finally(() => setState({ is: 'signed-out', message: 'You have signed out.' }));
  };
  const signedIn = useMemo(() => (state.is === 'signed-in' ? { session: state.session, signOut } : null), [state]);

  let body;
  if (state.is === 'checking') body = <p className="loading-page" role="status">Loading…</p>;
  else if (state.is === 'signed-out') body = <SignInPage message={state.message} onSignedIn={signIn} />;
  else body = <Layout><Routes /></Layout>;

  return (
    <ApiContext.Provider value={api}>
      <SessionContext.Provider value={signedIn}>{body}</SessionContext.Provider>
    </ApiContext.Provider>
  );
}

function sessionEndedMessage(err: ApiError): string {
  return err.code === 'session_expired'
    ? 'Your session has expired. Sign in again to go on.'
    : 'Your session has ended (it was signed out, or its API key was revoked). Sign in again to go on.';
}
