// The embed script (/embed.js): window.Sheethook.open() shows the import widget of this script's own service in a
// modal iframe, hands it the session token by postMessage, and relays its events to the host page's callbacks.

export interface SheethookTexts { [key: string]: string }

export interface SheethookEvent { event: string; [field: string]: unknown }

export interface SheethookOptions {
  sessionToken: string;
  title?: string;
  primaryColor?: string;
  colorScheme?: 'light' | 'dark' | 'auto';
  locale?: string;
  texts?: SheethookTexts;
  onReady?: (e: SheethookEvent) => void;
  onUploadStarted?: (e: SheethookEvent) => void;
  onUploadCompleted?: (e: SheethookEvent) => void;
  onDeliveryFinished?: (e: SheethookEvent) => void;
  onError?: (e: SheethookEvent) => void;
  onClose?: () => void;
}

type Callback = 'onReady' | 'onUploadStarted' | 'onUploadCompleted' | 'onDeliveryFinished' | 'onError';
const CALLBACKS: Record<string, Callback> = {
  ready: 'onReady',
  'upload-started': 'onUploadStarted',
  'upload-completed': 'onUploadCompleted',
  'delivery-finished': 'onDeliveryFinished',
  error: 'onError',
};

// The service this script came from: the widget is served beside it. Read now, as currentScript is only set while
// the script first runs.
const script = document.currentScript as HTMLScriptElement | null;
const SERVICE_ORIGIN = new URL(script?.src || location.href).origin;

interface Open {
  overlay: HTMLElement;
  frame: HTMLIFrameElement;
  options: SheethookOptions;
  opener: Element | null;
  /** Elements made inert while the modal is open, and the page's overflow, put back on close. */
  inerted: Element[];
  overflow: string;
  onMessage: (e: MessageEvent) => void;
  onKey: (e: KeyboardEvent) => void;
}

let current: Open | undefined;

function open(options: SheethookOptions): void {
  if (!options || typeof options.sessionToken !== 'string' || !options.sessionToken) {
    throw new TypeError('Sheethook.open: sessionToken is required (made by your backend with POST /v1/import-sessions)');
  }
  // A modal replaced keeps the element that opened the first one, where focus goes back in the end.
  const opener = current ? current.opener : document.activeElement;
  if (current) close(false);

  const overlay = document.createElement('div');
  overlay.setAttribute('role', 'dialog');
  overlay.setAttribute('aria-modal', 'true');
  overlay.setAttribute('aria-label', options.title || 'Import a spreadsheet');
  overlay.setAttribute('data-sheethook', '');
  overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:rgba(15,23,42,.55);display:flex;' +
    'align-items:stretch;justify-content:stretch;margin:0;padding:0;border:0';
  const frame = document.createElement('iframe');
  // The token goes by postMessage once the widget is ready, never in the URL (logs, history, Referer). The fragment
  // names this page's origin, the one the widget's `ready` may go to where the browser does not tell it.
  frame.src = SERVICE_ORIGIN + '/widget/#host=' + encodeURIComponent(location.origin);
  frame.title = options.title || 'Import a spreadsheet';
  frame.allow = 'clipboard-write';
  frame.style.cssText = 'flex:1;width:100%;height:100%;border:0;background:transparent;color-scheme:normal';
  overlay.appendChild(frame);

  const onMessage = (e: MessageEvent) => {
    // Only the widget's own window, from the service's origin: any other frame or page could forge events.
    if (e.source !== frame.contentWindow || e.origin !== SERVICE_ORIGIN) return;
    const data = e.data as { type?: string; event?: string } | null;
    if (!data || typeof data !== 'object') return;
    if (data.type === 'sheethook:ready') {
      const { sessionToken, title, primaryColor, colorScheme, locale, texts } = options;
      frame.contentWindow!.postMessage(
        { type: 'sheethook:init', sessionToken, options: { title, primaryColor, colorScheme, locale, texts } }, SERVICE_ORIGIN);
    } else if (data.type === 'sheethook:event' && typeof data.event === 'string') {
      if (data.event === 'close') { close(true); return; }
      const name = CALLBACKS[data.event];
      const { type: _type, ...event } = data;
      if (name) call(options[name], event as SheethookEvent);
    }
  };
  // Escape while focus is on the host page (before the frame has it); inside the frame, the widget asks to close.
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') { e.preventDefault(); close(true); }
  };

  // The rest of the page is taken out of the tab order and the accessibility tree while the modal is open.
  const inerted: Element[] = [];
  for (const el of Array.from(document.body.children)) {
    if (el.tagName === 'SCRIPT' || (el as HTMLElement).inert) continue;
    (el as HTMLElement).inert = true;
    inerted.push(el);
  }
  const overflow = document.documentElement.style.overflow;
  document.documentElement.style.overflow = 'hidden';
  current = { overlay, frame, options, opener, inerted, overflow, onMessage, onKey };
  window.addEventListener('message', onMessage);
  document.addEventListener('keydown', onKey, true);
  document.body.appendChild(overlay);
  frame.focus();
}

/** `notify`: whether onClose is called (not when open() replaces a modal that is open). */
function close(notify = true): void {
  const was = current;
  if (!was) return;
  current = undefined;
  window.removeEventListener('message', was.onMessage);
  document.removeEventListener('keydown', was.onKey, true);
  was.overlay.remove();
  for (const el of was.inerted) (el as HTMLElement).inert = false;
  document.documentElement.style.overflow = was.overflow;
  if (was.opener instanceof HTMLElement && was.opener.isConnected) was.opener.focus();
  if (notify) call(was.options.onClose, undefined);
}

/** A host's callback that throws must not break the modal: it is reported, as the browser does for listeners. */
function call<T>(fn: ((arg: T) => void) | undefined, arg: T): void {
  if (!fn) return;
  try {
    fn(arg);
  } catch (err) {
    setTimeout(() => { throw err; });
  }
}

const api = { open, close: () => close(true), isOpen: () => current !== undefined, origin: SERVICE_ORIGIN };
(window as unknown as { Sheethook: typeof api }).Sheethook = api;
