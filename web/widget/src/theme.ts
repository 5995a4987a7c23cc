// The host's theme as CSS variables and a colour-scheme attribute on the document; styles.css reads them.
import type { WidgetOptions } from './host.ts';

export function applyTheme(options: WidgetOptions): void {
  const root = document.documentElement;
  const scheme = options.colorScheme === 'light' || options.colorScheme === 'dark' ? options.colorScheme : 'auto';
  root.dataset.scheme = scheme;
  // A value the browser does not read as a colour is left out rather than breaking every button.
  if (typeof options.primaryColor === 'string' && CSS.supports('color', options.primaryColor)) {
    root.style.setProperty('--primary', options.primaryColor);
  }
  if (options.locale) root.lang = options.locale;
}
