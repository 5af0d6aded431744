/**
 * Localized text for survey emails and survey pages.
 *
 * To add a language: write one catalog file (`xx.ts`, `export const messages: Messages`), then
 * register it with one line each in `LOCALES` (./types) and `catalogs` below; `resolveLocale`
 * derives its matching from `LOCALES`. `Record<Locale, Messages>` makes
 * the compiler reject a registered locale without a catalog, and `Messages` rejects a catalog
 * with a missing key; the unit tests check placeholders and scripts.
 */
import { messages as en } from './en';
import { messages as hr } from './hr';
import { messages as srCyrl } from './sr-cyrl';
import { messages as srLatn } from './sr-latn';
import { LOCALES } from './types';
import type { Locale, Messages } from './types';
import { messages as vi } from './vi';

export { LOCALES } from './types';
export type { Locale, Messages, SurveyKind } from './types';

export const catalogs: Record<Locale, Messages> = {
  en,
  hr,
  'sr-Latn': srLatn,
  'sr-Cyrl': srCyrl,
  vi,
};

const LOCALE_SET: ReadonlySet<string> = new Set(LOCALES);

/** Exact (case-sensitive) check against the supported locale codes. */
export function isLocale(x: string): x is Locale {
  return LOCALE_SET.has(x);
}

/** Lower-cased locale code → locale, e.g. `sr-cyrl` → `sr-Cyrl`. */
const BY_CODE: ReadonlyMap<string, Locale> = new Map(LOCALES.map((l) => [l.toLowerCase(), l]));
/** Language subtag → its first locale in `LOCALES` order, e.g. `sr` → `sr-Latn`. */
const BY_LANGUAGE: ReadonlyMap<string, Locale> = new Map(
  [...LOCALES].reverse().map((l) => [(l.split('-')[0] ?? l).toLowerCase(), l]),
);

/**
 * Maps a requested language tag (e.g. from a contact record or a `?lang=` parameter) to a
 * supported locale. Case-insensitive, accepts `_` as a separator, and follows BCP 47 subtags:
 *
 * - language + script when both are given and supported: `sr-Cyrl`, `sr-Cyrl-RS` → `sr-Cyrl`,
 *   `sr-Latn-RS` → `sr-Latn`;
 * - otherwise the language alone, ignoring region and other subtags: `hr-HR` → `hr`,
 *   `vi-VN` → `vi`, `en-GB` → `en`. A language with several scripts resolves to the one listed
 *   first in `LOCALES`, so `sr` and `sr-RS` → `sr-Latn`. (CLDR's default for `sr` is Cyrillic;
 *   Glas deliberately defaults to Latin.)
 * - anything else (unknown languages, empty or malformed input) returns `fallback`.
 *
 * It takes one tag, not a whole Accept-Language header.
 */
export function resolveLocale(requested: string | null | undefined, fallback: Locale): Locale {
  if (requested === null || requested === undefined) {
    return fallback;
  }
  const subtags = requested.trim().replace(/_/g, '-').toLowerCase().split('-');
  const language = subtags[0];
  if (language === undefined || !/^[a-z]{2,8}$/.test(language)) {
    return fallback;
  }
  // The script subtag, if present, is a 4-letter subtag before any singleton (`-u-…`, `-x-…`).
  const singleton = subtags.findIndex((s, i) => i > 0 && s.length === 1);
  const main = singleton === -1 ? subtags.slice(1) : subtags.slice(1, singleton);
  const script = main.find((s) => /^[a-z]{4}$/.test(s));
  return (
    (script === undefined ? undefined : BY_CODE.get(`${language}-${script}`)) ??
    BY_LANGUAGE.get(language) ??
    fallback
  );
}

/** The first of a visitor's languages (Accept-Language, best first) that Glas speaks. */
export function preferredLocale(tags: readonly string[], fallback: Locale): Locale {
  for (const tag of tags) {
    const language = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (language && BY_LANGUAGE.has(language)) {
      return resolveLocale(tag, fallback);
    }
  }
  return fallback;
}

/**
 * Replaces each `{key}` in `template` with `String(vars[key])`. Placeholders whose key is not in
 * `vars` are left as they are; substituted values are not scanned again.
 *
 * No HTML escaping happens here: the result is plain text (email subjects use it as is), and
 * escaping is the renderer's job — both the template text and the values must be escaped when
 * they are put into HTML.
 */
export function format(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (match, key: string) => {
    const value = Object.hasOwn(vars, key) ? vars[key] : undefined;
    return value === undefined ? match : String(value);
  });
}

/** The catalog for a supported locale. */
export function messagesFor(locale: Locale): Messages {
  return catalogs[locale];
}
