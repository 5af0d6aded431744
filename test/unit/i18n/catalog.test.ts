import {
  LOCALES,
  catalogs,
  format,
  isLocale,
  messagesFor,
  resolveLocale,
} from '../../../src/surveys/i18n';
import type { Locale } from '../../../src/surveys/i18n';

/** Every string in a catalog, keyed by its path ("question.nps", "scoreLabels.ces.3"). */
function leaves(value: unknown, path = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      for (const [p, v] of leaves(child, path === '' ? key : `${path}.${key}`)) {
        out.set(p, v);
      }
    }
  } else {
    out.set(path, value);
  }
  return out;
}

const PLACEHOLDER = /\{([A-Za-z0-9_]+)\}/g;
const placeholders = (s: string): string[] => [...s.matchAll(PLACEHOLDER)].map((m) => m[1]!).sort();
const withoutPlaceholders = (s: string): string => s.replace(PLACEHOLDER, '');

const strings = (locale: Locale): [string, string][] =>
  [...leaves(catalogs[locale])].map(([p, v]) => [p, String(v)]);

const enLeaves = leaves(catalogs.en);
const otherLocales = LOCALES.filter((l) => l !== 'en');

describe('catalog completeness', () => {
  it('has a catalog for every locale and nothing else', () => {
    expect(Object.keys(catalogs).sort()).toEqual([...LOCALES].sort());
  });

  it('the English catalog is all non-empty strings', () => {
    expect(enLeaves.size).toBeGreaterThan(40);
    for (const [path, value] of enLeaves) {
      expect({ path, type: typeof value }).toEqual({ path, type: 'string' });
      expect({ path, empty: String(value).trim() === '' }).toEqual({ path, empty: false });
    }
  });

  it.each(otherLocales)('%s has exactly the keys of en, all non-empty strings', (locale) => {
    const own = leaves(catalogs[locale]);
    expect([...own.keys()].sort()).toEqual([...enLeaves.keys()].sort());
    for (const [path, value] of own) {
      expect({ path, type: typeof value }).toEqual({ path, type: 'string' });
      expect({ path, empty: String(value).trim() === '' }).toEqual({ path, empty: false });
    }
  });

  it.each(otherLocales)('%s uses the same placeholders as en in every string', (locale) => {
    for (const [path, value] of strings(locale)) {
      const english = String(enLeaves.get(path));
      expect({ path, placeholders: placeholders(value) }).toEqual({
        path,
        placeholders: placeholders(english),
      });
    }
  });

  it('every default question names the company', () => {
    for (const locale of LOCALES) {
      for (const question of Object.values(catalogs[locale].question)) {
        expect(question).toContain('{company}');
      }
    }
  });

  it.each([...LOCALES])('%s is stored in Unicode NFC without stray whitespace', (locale) => {
    for (const [path, value] of strings(locale)) {
      expect({ path, nfc: value === value.normalize('NFC') }).toEqual({ path, nfc: true });
      // reminderSubjectPrefix is the only string meant to end with a space.
      const trimmed = path === 'reminderSubjectPrefix' ? value.trimStart() : value.trim();
      expect({ path, value: trimmed }).toEqual({ path, value });
      expect(value).not.toMatch(/ {2}/);
    }
  });

  it('the reminder prefix ends with a space in every locale', () => {
    for (const locale of LOCALES) {
      expect(catalogs[locale].reminderSubjectPrefix).toMatch(/\S $/);
    }
  });
});

describe('scripts', () => {
  const LATIN = /\p{Script=Latin}/u;
  const CYRILLIC = /\p{Script=Cyrillic}/u;

  it('sr-Cyrl has no Latin letters outside placeholders', () => {
    for (const [path, value] of strings('sr-Cyrl')) {
      expect({ path, latin: LATIN.test(withoutPlaceholders(value)) }).toEqual({
        path,
        latin: false,
      });
    }
  });

  it('sr-Latn has no Cyrillic letters', () => {
    for (const [path, value] of strings('sr-Latn')) {
      expect({ path, cyrillic: CYRILLIC.test(value) }).toEqual({ path, cyrillic: false });
    }
  });

  it('no other catalog contains Cyrillic', () => {
    for (const locale of LOCALES.filter((l) => l !== 'sr-Cyrl')) {
      for (const [path, value] of strings(locale)) {
        expect({ locale, path, cyrillic: CYRILLIC.test(value) }).toEqual({
          locale,
          path,
          cyrillic: false,
        });
      }
    }
  });

  it('sr-Cyrl is an exact transliteration of sr-Latn', () => {
    const cyrl = leaves(catalogs['sr-Cyrl']);
    for (const [path, value] of strings('sr-Latn')) {
      expect({ path, value: cyrl.get(path) }).toEqual({ path, value: latinToCyrillic(value) });
    }
  });

  it('vi uses Vietnamese diacritics in every string that has words', () => {
    const all = strings('vi')
      .map(([, v]) => v)
      .join(' ');
    // Letters that exist only in Vietnamese orthography (horn, breve, dot below, hook above, đ).
    expect(all).toMatch(/[ăâđêôơư]/);
    expect(all).toMatch(/[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/);
    for (const [path, value] of strings('vi')) {
      const text = withoutPlaceholders(value);
      if (/[A-Za-z]{2}/.test(text)) {
        expect({ path, diacritics: /\P{ASCII}/u.test(text) }).toEqual({
          path,
          diacritics: true,
        });
      }
    }
  });

  it('hr and sr use their own vocabulary', () => {
    const hrText = strings('hr')
      .map(([, v]) => v)
      .join(' ');
    const srText = strings('sr-Latn')
      .map(([, v]) => v)
      .join(' ');
    expect(hrText).toMatch(/tvrtk/i);
    expect(hrText).not.toMatch(/kompanij|ocen|verovatno|(?<!\p{L})šta(?!\p{L})/iu);
    expect(srText).toMatch(/kompanij/i);
    expect(srText).not.toMatch(/tvrtk|ocjen|vjerojatno|(?<!\p{L})što(?!\p{L})/iu);
  });
});

describe('isLocale', () => {
  it('accepts exactly the supported codes', () => {
    for (const locale of LOCALES) {
      expect(isLocale(locale)).toBe(true);
    }
    for (const other of ['', 'EN', 'sr', 'sr-latn', 'hr-HR', 'de', 'toString', '__proto__']) {
      expect(isLocale(other)).toBe(false);
    }
  });
});

describe('resolveLocale', () => {
  it.each<[string, Locale]>([
    ['en', 'en'],
    ['EN', 'en'],
    ['en-GB', 'en'],
    ['en-us', 'en'],
    ['en_US', 'en'],
    ['hr', 'hr'],
    ['hr-HR', 'hr'],
    ['HR-hr', 'hr'],
    ['sr', 'sr-Latn'],
    ['sr-RS', 'sr-Latn'],
    ['sr-ME', 'sr-Latn'],
    ['sr-Latn', 'sr-Latn'],
    ['sr-latn-rs', 'sr-Latn'],
    ['sr-Cyrl', 'sr-Cyrl'],
    ['sr-cyrl', 'sr-Cyrl'],
    ['sr-Cyrl-RS', 'sr-Cyrl'],
    ['SR_CYRL_RS', 'sr-Cyrl'],
    ['vi', 'vi'],
    ['vi-VN', 'vi'],
    ['  vi-VN ', 'vi'],
    ['en-Latn-US', 'en'],
    ['sr-Arab', 'sr-Latn'],
    ['hr-Cyrl', 'hr'],
  ])('%j → %s', (requested, expected) => {
    expect(resolveLocale(requested, 'en')).toBe(expected);
    expect(resolveLocale(requested, 'hr')).toBe(expected);
  });

  it.each(['de', 'de-DE', 'bs', 'sh', 'ru-Cyrl', 'srp', '', ' ', '*', '-', 'sr!', '12', 'x-sr'])(
    '%j → fallback',
    (requested) => {
      expect(resolveLocale(requested, 'vi')).toBe('vi');
      expect(resolveLocale(requested, 'sr-Cyrl')).toBe('sr-Cyrl');
    },
  );

  it('null and undefined → fallback', () => {
    expect(resolveLocale(null, 'hr')).toBe('hr');
    expect(resolveLocale(undefined, 'sr-Latn')).toBe('sr-Latn');
  });

  it('ignores 4-letter subtags after a singleton', () => {
    expect(resolveLocale('sr-x-cyrl', 'en')).toBe('sr-Latn');
    expect(resolveLocale('sr-u-nu-latn', 'en')).toBe('sr-Latn');
    expect(resolveLocale('sr-Cyrl-u-nu-latn', 'en')).toBe('sr-Cyrl');
  });
});

describe('format', () => {
  it('replaces known placeholders, every occurrence', () => {
    expect(format('Hi {name},', { name: 'Ana' })).toBe('Hi Ana,');
    expect(format('{a}-{b}-{a}', { a: 1, b: 'two' })).toBe('1-two-1');
    expect(format('Your score: {score}', { score: 0 })).toBe('Your score: 0');
  });

  it('leaves unknown placeholders and non-placeholders as they are', () => {
    expect(format('{company}: {missing}', { company: 'Acme' })).toBe('Acme: {missing}');
    expect(format('{ name } {} {na-me} {{name}}', { name: 'X' })).toBe('{ name } {} {na-me} {X}');
    expect(format('no placeholders', { name: 'X' })).toBe('no placeholders');
  });

  it('does not look up inherited properties', () => {
    expect(format('{constructor} {toString} {__proto__}', {})).toBe(
      '{constructor} {toString} {__proto__}',
    );
  });

  it('does not expand placeholders inside substituted values', () => {
    expect(format('{a} {b}', { a: '{b}', b: 'B' })).toBe('{b} B');
  });

  it('does not HTML-escape (the renderer does)', () => {
    expect(format('Hi {name},', { name: '<b>A & B</b>' })).toBe('Hi <b>A & B</b>,');
  });

  it('fills real catalog strings', () => {
    expect(format(messagesFor('en').commentTooLong, { max: 2000 })).toBe(
      'Your comment is too long (max 2000 characters).',
    );
    expect(format(messagesFor('sr-Cyrl').yourScore, { score: 9 })).toBe('Ваша оцена: 9');
    expect(format(messagesFor('vi').emailGreeting, { name: 'Lan' })).toBe('Xin chào Lan,');
  });
});

describe('messagesFor', () => {
  it('returns the registered catalog', () => {
    for (const locale of LOCALES) {
      expect(messagesFor(locale)).toBe(catalogs[locale]);
    }
  });
});

/** Serbian Latin → Cyrillic (Vuk Karadžić alphabet); placeholders are kept as they are. */
function latinToCyrillic(text: string): string {
  const digraphs: Record<string, string> = { lj: 'љ', nj: 'њ', dž: 'џ' };
  const latin = 'abcčćdđefghijklmnoprsštuvzž';
  const cyrillic = 'абцчћдђефгхијклмнопрсштувзж';
  const convert = (part: string): string => {
    let out = '';
    let i = 0;
    while (i < part.length) {
      const one = part.charAt(i);
      const pair = part.slice(i, i + 2);
      const digraph = digraphs[pair.toLowerCase()];
      const index = latin.indexOf(one.toLowerCase());
      const letter = digraph ?? (index === -1 ? undefined : cyrillic.charAt(index));
      if (letter === undefined) {
        out += one;
      } else {
        out += one === one.toLowerCase() ? letter : letter.toUpperCase();
      }
      i += digraph === undefined ? 1 : 2;
    }
    return out;
  };
  return text
    .split(/(\{[A-Za-z0-9_]+\})/)
    .map((part, i) => (i % 2 === 1 ? part : convert(part)))
    .join('');
}
