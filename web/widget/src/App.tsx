// The import flow: loads the session, then walks the person through upload, headings, mapping, review and confirm.
import { useEffect, useMemo, useState } from 'react';
import { Api, ApiError, type MappingView, type Session, type Upload } from './api.ts';
import { emit, hostOriginSet, refuseInitOrigin, setHostOrigin, type Init } from './host.ts';
import { translator, TextsContext } from './i18n/texts.ts';
import { applyTheme } from './theme.ts';
import { ApiContext } from './use-api.ts';
import { Shell } from './components/Shell.tsx';
import { MessageScreen } from './components/MessageScreen.tsx';
import { SessionEndedScreen } from './components/SessionEndedScreen.tsx';
import { UploadStep } from './components/UploadStep.tsx';
import { HeaderRowStep } from './components/HeaderRowStep.tsx';
import { MappingStep } from './components/MappingStep.tsx';
import { ReviewStep } from './components/ReviewStep.tsx';
import { ConfirmStep } from './components/ConfirmStep.tsx';

export type Step = 'upload' | 'header' | 'mapping' | 'review' | 'confirm';

export function App({ init }: { init: Init }) {
  const texts = useMemo(() => translator(init.options.locale, init.options.texts), [init]);
  const [ended, setEnded] = useState<ApiError | null>(null);
  const api = useMemo(() => new Api(init.sessionToken, (err) => {
    // A token that ended before the session was read: its allowed origins are unknown, but the page that sent the
    // init holds the token and learns nothing from the `error` event it could not ask the API itself.
    if (!hostOriginSet()) setHostOrigin(init.origin);
    setEnded(err);
  }, init.devTemplate), [init]);
  const [session, setSession] = useState<Session | null>(null);
  // Why the session cannot be used here (not an ended token: that has its own screen).
  const [refused, setRefused] = useState<'originRefused' | ApiError | null>(null);

  const [step, setStep] = useState<Step>('upload');
  const [file, setFile] = useState<File | null>(null);
  const [view, setView] = useState<MappingView | null>(null);
  const [upload, setUpload] = useState<Upload | null>(null);

  useEffect(() => applyTheme(init.options), [init]);

  useEffect(() => {
    api.session().then((s) => {
      // The session names the pages that may embed it: any other page gets no event and no screen of it.
      if (s.allowedOrigins && !s.allowedOrigins.includes(init.origin)) {
        refuseInitOrigin();
        setRefused('originRefused');
        return;
      }
      setHostOrigin(init.origin);
      setSession(s);
      emit('ready', { sessionId: s.sessionId });
    }).catch((err) => {
      if (!(err instanceof ApiError && err.status === 401)) setRefused(err instanceof ApiError ? err : new ApiError(0, 'unexpected', String(err)));
    });
  }, [api, init]);

  const startOver = () => {
    if (view && step !== 'confirm') api.cancel(view.uploadId).catch(() => undefined);
    setFile(null);
    setView(null);
    setUpload(null);
    setStep('upload');
  };

  let body;
  if (ended) body = <SessionEndedScreen error={ended} />;
  else if (refused === 'originRefused') body = <MessageScreen text="originRefused" alert />;
  else if (refused) body = <MessageScreen text={refused.code === 'network_error' ? 'networkError' : 'genericError'} values={{ detail: refused.detail || refused.code }} alert />;
  else if (!session) body = <MessageScreen text="loading" busy />;
  else if (step === 'upload' || !view) {
    body = <UploadStep session={session} onUploaded={(v, f) => { setView(v); setFile(f); setStep('header'); }} />;
  } else if (step === 'header') {
    body = <HeaderRowStep view={view} file={file} onView={setView} onBack={startOver} onDone={(v) => { setView(v); setStep('mapping'); }} />;
  } else if (step === 'mapping') {
    body = <MappingStep view={view} columns={session.template.columns} onBack={() => setStep('header')} onStartOver={startOver}
      onValidated={(u) => {
        setUpload(u);
        emit('upload-completed', { uploadId: u.uploadId, totalRecords: u.totalRecords, validRecords: u.validRecords, invalidRecords: u.invalidRecords });
        setStep('review');
      }} />;
  } else if (step === 'review' && upload) {
    body = <ReviewStep upload={upload} columns={session.template.columns} onUpload={setUpload} onStartOver={startOver} onContinue={() => setStep('confirm')} />;
  } else if (upload) {
    body = <ConfirmStep upload={upload} onBack={() => setStep('review')} />;
  }

  const title = init.options.title ?? texts.t('title', { template: session?.template.name ?? '' });
  useEffect(() => { document.title = title; }, [title]);
  return (
    <TextsContext.Provider value={texts}>
      <ApiContext.Provider value={api}>
        <Shell title={title} step={session && !ended && !refused ? step : null}>{body}</Shell>
      </ApiContext.Provider>
    </TextsContext.Provider>
  );
}
