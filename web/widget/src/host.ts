// Messages with the page that embeds the widget: the ready/init handshake, then events to that page's origin only.

export interface WidgetOptions {
  title?: string;
  primaryColor?: string;
  colorScheme?: 'light' | 'dark' | 'auto';
  locale?: 'en' | 'fr';
  texts?: Record<string, unknown>;
}

export interface Init { sessionToken: string; options: WidgetOptions; origin: string; devTemplate?: string }

export type WidgetEvent = 'ready' | 'upload-started' | 'upload-completed' | 'delivery-finished' | 'error' | 'close';

let hostOrigin: string | null = null;
/** The origin that sent the init: it holds the token, so it may hear that the widget closes or fails. */
let initOrigin: string | null = null;

export const isEmbedded = () => window.parent !== window;

/**
 * The embedding page's origin as known before any message: Chromium and Safari give it in `ancestorOrigins`; the
 * embed script names it in the frame's fragment (`#host=`), for the others; else the referrer, unless the page
 * withholds it. Null when none tells: then nothing is posted, never to `'*'`.
 */
function parentOrigin(): string | null {
  const ancestors = (window.location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins;
  if (ancestors && ancestors.length > 0) return ancestors[0];
  const named = new URLSearchParams(window.location.hash.slice(1)).get('host');
  if (named) return named;
  if (document.referrer) return new URL(document.referrer).origin;
  return null;
}

/** Tells the embedding page the widget listens, and calls `onInit` once with the first `init` from it. */
export function awaitInit(onInit: (init: Init) => void): void {
  const listener = (e: MessageEvent) => {
    // Only the window that embeds the widget may start it; any other frame's message is ignored.
    if (e.source !== window.parent) return;
    const data = e.data as { type?: unknown; sessionToken?: unknown; options?: unknown } | null;
    if (!data || data.type !== 'sheethook:init' || typeof data.sessionToken !== 'string') return;
    window.removeEventListener('message', listener);
    initOrigin = e.origin;
    const options = typeof data.options === 'object' && data.options !== null ? (data.options as WidgetOptions) : {};
    onInit({ sessionToken: data.sessionToken, options, origin: e.origin });
  };
  window.addEventListener('message', listener);
  // A message posted to an origin the parent does not have is dropped by the browser: a false `#host=` learns nothing.
  const origin = parentOrigin();
  if (origin) window.parent.postMessage({ type: 'sheethook:ready' }, origin);
}

/** From here on, events go to this origin: the init's, once the session allows it. */
export function setHostOrigin(origin: string): void {
  hostOrigin = origin;
}

export const hostOriginSet = () => hostOrigin !== null;

/** The session does not allow the page that sent the init: it hears nothing from here on, not even a close. */
export function refuseInitOrigin(): void {
  initOrigin = null;
}

export function emit(event: WidgetEvent, data: Record<string, unknown> = {}): void {
  // Before the session allows an origin, the page that sent the init still hears the person close the widget.
  const target = hostOrigin ?? (event === 'close' ? initOrigin : null);
  if (!target || !isEmbedded()) return;
  window.parent.postMessage({ type: 'sheethook:event', event, ...data }, target);
}

/**
 * Escape anywhere in the widget closes it, as it does on the host page, unless something inside used the key first:
 * a dialog, a cell being edited, an open list.
 */
export function closeOnEscape(): void {
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    const target = e.target as Element | null;
    if (target?.closest('[role="dialog"], [role="grid"], input, select, textarea')) return;
    emit('close');
  });
}
