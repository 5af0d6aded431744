// Header and cell rules for Delighted's CSV exports: liberal in what they accept.

export const IMPORT_TYPES = ['responses', 'people', 'unsubscribes', 'bounces'] as const;
export type ImportType = (typeof IMPORT_TYPES)[number];

/** Canonical fields, each with the header spellings seen in Delighted's web and API exports. */
const ALIASES = {
  responseId: ['response id', 'response_id', 'survey response id', 'id'],
  score: ['score', 'rating', 'nps score', 'response score'],
  comment: ['comment', 'comments', 'feedback', 'response comment'],
  createdAt: [
    'response timestamp',
    'created at',
    'created_at',
    'response date',
    'responded at',
    'submitted at',
    'timestamp',
    'date',
  ],
  updatedAt: ['updated at', 'updated_at', 'last updated'],
  email: ['email', 'person email', 'person_email', 'email address', 'e-mail', 'customer email'],
  name: ['name', 'person name', 'person_name', 'customer name', 'full name'],
  personId: ['person id', 'person_id', 'person'],
  phone: ['phone', 'phone number', 'phone_number', 'person phone number'],
  tags: ['tags', 'tag'],
  notes: ['notes', 'note'],
  permalink: ['permalink', 'response permalink', 'link'],
  channel: ['channel', 'source', 'survey channel', 'survey type'],
  locale: ['locale', 'language'],
  lastSentAt: ['last sent at', 'last_sent_at', 'last survey sent at'],
  unsubscribedAt: ['unsubscribed at', 'unsubscribed_at', 'unsubscribe date'],
  bouncedAt: ['bounced at', 'bounced_at', 'bounce date'],
} as const;

export type Field = keyof typeof ALIASES;

/** Which fields each export type reads; every other column becomes a contact property. */
const FIELDS: Record<ImportType, readonly Field[]> = {
  responses: [
    'responseId',
    'score',
    'comment',
    'createdAt',
    'updatedAt',
    'email',
    'name',
    'personId',
    'phone',
    'tags',
    'notes',
    'permalink',
    'channel',
    'locale',
  ],
  people: ['email', 'name', 'personId', 'phone', 'createdAt', 'lastSentAt', 'locale'],
  unsubscribes: ['email', 'name', 'personId', 'unsubscribedAt'],
  bounces: ['email', 'name', 'personId', 'bouncedAt'],
};

const REQUIRED: Record<ImportType, readonly Field[]> = {
  responses: ['responseId', 'score', 'createdAt', 'email'],
  people: ['email'],
  unsubscribes: ['email'],
  bounces: ['email'],
};

/** Headers that only describe the export itself; they carry nothing about the person. */
const IGNORED = new Set(['survey', 'survey name', 'project', 'project name']);

export const MAX_PROPERTIES = 50;
export const MAX_PROPERTY_KEY = 64;
export const MAX_PROPERTY_VALUE = 1000;

export interface HeaderMap {
  fields: Partial<Record<Field, number>>;
  /** Property name → column index. */
  properties: [string, number][];
  warnings: string[];
}

export class HeaderError extends Error {
  override name = 'HeaderError';
}

const norm = (h: string) => h.trim().replace(/\s+/g, ' ').toLowerCase();

/** Maps header cells to fields (case-insensitive, with aliases); unknown ones are properties. */
export function mapHeader(type: ImportType, header: string[]): HeaderMap {
  const fields: Partial<Record<Field, number>> = {};
  const properties: [string, number][] = [];
  const warnings: string[] = [];
  const seenProperties = new Set<string>();
  const wanted = FIELDS[type];
  header.forEach((raw, index) => {
    const h = norm(raw);
    if (h === '' || IGNORED.has(h)) {
      return;
    }
    const field = wanted.find((f) => (ALIASES[f] as readonly string[]).includes(h));
    if (field) {
      if (fields[field] === undefined) {
        fields[field] = index;
      } else {
        warnings.push(
          `column ${index + 1} "${raw.trim()}" repeats ${field}; the first one is used`,
        );
      }
      return;
    }
    const key = raw.trim().replace(/\s+/g, ' ').slice(0, MAX_PROPERTY_KEY);
    if (seenProperties.has(key.toLowerCase())) {
      warnings.push(
        `column ${index + 1} "${raw.trim()}" repeats a property; the first one is used`,
      );
    } else if (properties.length >= MAX_PROPERTIES) {
      warnings.push(
        `column ${index + 1} "${raw.trim()}" ignored: at most ${MAX_PROPERTIES} properties`,
      );
    } else {
      seenProperties.add(key.toLowerCase());
      properties.push([key, index]);
    }
  });
  const missing = REQUIRED[type].filter((f) => fields[f] === undefined);
  if (missing.length > 0) {
    const list = missing.map((f) => `${f} (${ALIASES[f].join(' / ')})`).join('; ');
    throw new HeaderError(`the header has no column for: ${list}`);
  }
  return { fields, properties, warnings };
}

const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A timestamp as Delighted writes it: Unix seconds (or milliseconds), ISO 8601, or
 * `2024-03-05 14:02:11 -0700` / `… UTC`. No zone means UTC. Undefined when unreadable.
 */
export function parseTimestamp(text: string): Date | undefined {
  const t = text.trim();
  if (/^\d{9,11}$/.test(t)) {
    return new Date(Number(t) * 1000);
  }
  if (/^\d{12,14}$/.test(t)) {
    return new Date(Number(t));
  }
  const m = ISO_LIKE.exec(t);
  if (!m) {
    return undefined;
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    ms,
  );
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return undefined;
  }
  return new Date(local - zoneOffsetMinutes(zone) * 60_000);
}

function zoneOffsetMinutes(zone: string): number {
  if (/^(Z|UTC|GMT)$/i.test(zone)) {
    return 0;
  }
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

/** Tags as one cell: split on commas (and semicolons), trimmed, empty and repeated ones dropped. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(/[,;]/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map((t) => t.slice(0, 100));
  return [...new Set(tags)];
}
