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

export const isEmbedded = () => window.parent !== window;

/**
 * The embedding page's origin as the browser tells it before any message: Chromium and Safari give it in
 * `ancestorOrigins`, others in the referrer (unless the page withholds it). The handshake's `ready` carries
 * nothing, yet it too goes to that origin alone when it is known.
 */
function parentOrigin(): string {
  const ancestors = (window.location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins;
  if (ancestors && ancestors.length > 0) return ancestors[0];
  if (document.referrer) return new URL(document.referrer).origin;
  return '*';
}

/** Tells the embedding page the widget listens, and calls `onInit` once with the first `init` from it. */
export function awaitInit(onInit: (init: Init) => void): void {
  const listener = (e: MessageEvent) => {
    // Only the window that embeds the widget may start it; any other frame's message is ignored.
    if (e.source !== window.parent) return;
    const data = e.data as { type?: unknown; sessionToken?: unknown; options?: unknown } | null;
    if (!data || data.type !== 'sheethook:init' || typeof data.sessionToken !== 'string') return;
    window.removeEventListener('message', listener);
    const options = typeof data.options === 'object' && data.options !== null ? (data.options as WidgetOptions) : {};
    onInit({ sessionToken: data.sessionToken, options, origin: e.origin });
  };
  window.addEventListener('message', listener);
  window.parent.postMessage({ type: 'sheethook:ready' }, parentOrigin());
}

/** From here on, events go to this origin: the init's, once the session allows it. */
export function setHostOrigin(origin: string): void {
  hostOrigin = origin;
}

export const hostOriginSet = () => hostOrigin !== null;

export function emit(event: WidgetEvent, data: Record<string, unknown> = {}): void {
  if (!hostOrigin || !isEmbedded()) return;
  window.parent.postMessage({ type: 'sheethook:event', event, ...data }, hostOrigin);
}
