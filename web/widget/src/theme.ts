// The host's theme as CSS variables and a colour-scheme attribute on the document; styles.css reads them.
import type { WidgetOptions } from './host.ts';

export function applyTheme(options: WidgetOptions): void {
  const root = document.documentElement;
  const scheme = options.colorScheme === 'light' || options.colorScheme === 'dark' ? options.colorScheme : 'auto';
  root.dataset.scheme = scheme;
  // A value the browser does not read as a colour is left out rather than breaking every button.
  if (typeof options.primaryColor === 'string' && CSS.supports('color', options.primaryColor)) {
    root.style.setProperty('--primary', options.primaryColor);
    root.style.setProperty('--on-primary', readableOn(options.primaryColor));
  }
  if (options.locale) root.lang = options.locale;
}

/** Black or white, whichever reads better on the colour (WCAG relative luminance), for text on primary buttons. */
function readableOn(color: string): string {
  const probe = document.createElement('span');
  probe.style.color = color;
  document.body.append(probe);
  const rgb = getComputedStyle(probe).color.match(/[\d.]+/g)?.slice(0, 3).map(Number) ?? [0, 0, 0];
  probe.remove();
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // White's contrast is 1.05 / (L + 0.05), black's (L + 0.05) / 0.05: they are equal at L ≈ 0.179.
  return luminance > 0.179 ? '#000' : '#fff';
}
