// @sheethook/react: opens the sheethook import widget from a React app, through the service's own /embed.js.
import { useCallback, useEffect, useRef, useState, type ButtonHTMLAttributes, type ReactNode } from 'react';

/** What the widget tells the host page; `event` names it, the rest is the event's data. */
export interface SheethookEvent { event: string; [field: string]: unknown }

export interface SheethookOptions {
  title?: string;
  primaryColor?: string;
  colorScheme?: 'light' | 'dark' | 'auto';
  locale?: string;
  texts?: Record<string, string>;
  onReady?: (e: SheethookEvent) => void;
  onUploadStarted?: (e: SheethookEvent) => void;
  onUploadCompleted?: (e: SheethookEvent) => void;
  onDeliveryFinished?: (e: SheethookEvent) => void;
  onError?: (e: SheethookEvent) => void;
  onClose?: () => void;
}

export interface UseSheethookOptions extends SheethookOptions {
  /** The sheethook service, e.g. "https://import.example.com": its /embed.js is loaded once, on first open. */
  serviceUrl: string;
}

interface EmbedApi {
  open(options: SheethookOptions & { sessionToken: string }): void;
  close(): void;
  isOpen(): boolean;
}

declare global {
  interface Window { Sheethook?: EmbedApi }
}

const loading = new Map<string, Promise<EmbedApi>>();

/** Loads `${serviceUrl}/embed.js` once per page; the widget's origin is the one the script came from. */
export function loadEmbed(serviceUrl: string): Promise<EmbedApi> {
  const src = `${serviceUrl.replace(/\/+$/, '')}/embed.js`;
  let promise = loading.get(src);
  if (!promise) {
    promise = new Promise<EmbedApi>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.async = true;
      script.onload = () => (window.Sheethook ? resolve(window.Sheethook) : reject(new Error(`${src} did not define Sheethook`)));
      script.onerror = () => {
        loading.delete(src);
        script.remove();
        reject(new Error(`could not load ${src}`));
      };
      document.head.appendChild(script);
    });
    loading.set(src, promise);
  }
  return promise;
}

export interface SheethookHandle {
  /** Opens the widget with a session token your backend made (POST /v1/import-sessions). */
  open(sessionToken: string): Promise<void>;
  close(): void;
  isOpen: boolean;
}

export function useSheethook({ serviceUrl, ...options }: UseSheethookOptions): SheethookHandle {
  const [isOpen, setOpen] = useState(false);
  // The latest callbacks, without reopening the widget when the host re-renders.
  const latest = useRef(options);
  latest.current = options;
  const embed = useRef<EmbedApi | undefined>(undefined);

  const open = useCallback(async (sessionToken: string) => {
    const api = await loadEmbed(serviceUrl);
    embed.current = api;
    const relay = <K extends keyof SheethookOptions>(key: K) =>
      ((e: SheethookEvent) => (latest.current[key] as ((e: SheethookEvent) => void) | undefined)?.(e));
    const { title, primaryColor, colorScheme, locale, texts } = latest.current;
    api.open({
      sessionToken, title, primaryColor, colorScheme, locale, texts,
      onReady: relay('onReady'),
      onUploadStarted: relay('onUploadStarted'),
      onUploadCompleted: relay('onUploadCompleted'),
      onDeliveryFinished: relay('onDeliveryFinished'),
      onError: relay('onError'),
      onClose: () => {
        setOpen(false);
        latest.current.onClose?.();
      },
    });
    setOpen(true);
  }, [serviceUrl]);

  const close = useCallback(() => embed.current?.close(), []);

  // A component that goes away takes its modal with it.
  useEffect(() => () => {
    if (embed.current?.isOpen()) embed.current.close();
  }, []);

  return { open, close, isOpen };
}

export interface SheethookImportProps
  extends UseSheethookOptions, Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'title' | 'onClick' | 'onError'> {
  /** A token, or a function that asks your backend for one when the button is pressed (tokens are short-lived). */
  sessionToken: string | (() => Promise<string>);
  children?: ReactNode;
}

/** A button that opens the import widget. */
export function SheethookImport(props: SheethookImportProps) {
  const {
    serviceUrl, sessionToken, title, primaryColor, colorScheme, locale, texts,
    onReady, onUploadStarted, onUploadCompleted, onDeliveryFinished, onError, onClose, children, disabled, ...button
  } = props;
  const { open } = useSheethook({
    serviceUrl, title, primaryColor, colorScheme, locale, texts,
    onReady, onUploadStarted, onUploadCompleted, onDeliveryFinished, onError, onClose,
  });
  const [starting, setStarting] = useState(false);
  const start = async () => {
    if (starting) return;
    setStarting(true);
    try {
      await open(typeof sessionToken === 'function' ? await sessionToken() : sessionToken);
    } catch (err) {
      onError?.({ event: 'error', code: 'open_failed', detail: (err as Error).message });
    } finally {
      setStarting(false);
    }
  };
  return (
    // aria-busy rather than disabled while a token is fetched: a disabled button loses focus, and the modal returns
    // focus to the element that opened it.
    <button type="button" {...button} disabled={disabled} aria-busy={starting} aria-haspopup="dialog" onClick={() => void start()}>
      {children ?? 'Import a spreadsheet'}
    </button>
  );
}
