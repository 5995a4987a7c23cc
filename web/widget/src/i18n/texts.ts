// Picks the language's texts, lays the host's own texts over them, and fills in their `{name}` values.
import { createContext, useContext } from 'react';
import { en, type TextKey, type Texts } from './en.ts';
import { fr } from './fr.ts';

export type Locale = 'en' | 'fr';
const LANGUAGES: Record<Locale, Texts> = { en, fr };

export interface Translator {
  locale: Locale;
  t: (key: TextKey, values?: Record<string, string | number>) => string;
  /** A number as the language writes it (1,234 or 1 234). */
  n: (value: number) => string;
}

export function translator(locale: Locale | undefined, overrides: Partial<Record<string, unknown>> | undefined): Translator {
  const lang: Locale = locale && locale in LANGUAGES ? locale : 'en';
  const texts: Texts = { ...LANGUAGES[lang] };
  // Only strings for known keys: the texts come from another page's message.
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (key in texts && typeof value === 'string') texts[key as TextKey] = value;
  }
  const numbers = new Intl.NumberFormat(lang);
  const n = (value: number) => numbers.format(value);
  const t = (key: TextKey, values?: Record<string, string | number>) =>
    texts[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = values?.[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? n(value) : value;
    });
  return { locale: lang, t, n };
}

export const TextsContext = createContext<Translator>(translator('en', undefined));
export const useTexts = () => useContext(TextsContext);
