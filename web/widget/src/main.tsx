// Starts the widget: waits for the embedding page's init (or, in development only, reads a token from the URL).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { awaitInit, closeOnEscape, isEmbedded, type Init } from './host.ts';
import { translator, TextsContext } from './i18n/texts.ts';
import { MessageScreen } from './components/MessageScreen.tsx';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
const start = (init: Init) => root.render(<StrictMode><App init={init} /></StrictMode>);
const notice = (key: 'loading' | 'notEmbedded') => root.render(
  <TextsContext.Provider value={translator(navigator.language.startsWith('fr') ? 'fr' : 'en', undefined)}>
    <MessageScreen text={key} busy={key === 'loading'} />
  </TextsContext.Provider>,
);

const dev = import.meta.env.DEV ? new URLSearchParams(location.search) : null;
if (dev?.get('devToken') && !isEmbedded()) {
  // Development only: an API key and a template code in the URL stand in for the session the host would make.
  const options = { locale: dev.get('locale') ?? undefined, colorScheme: dev.get('scheme') ?? undefined,
    primaryColor: dev.get('primary') ?? undefined, title: dev.get('title') ?? undefined } as Init['options'];
  start({ sessionToken: dev.get('devToken')!, options, origin: location.origin, devTemplate: dev.get('devTemplate') ?? undefined });
} else if (!isEmbedded()) {
  notice('notEmbedded');
} else {
  notice('loading');
  closeOnEscape();
  awaitInit(start);
}
