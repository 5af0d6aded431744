/** Weekdays as ISO numbers: 1 = Monday … 7 = Sunday. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When sends may go out, in the contact's local time: `start` inclusive, `end` exclusive. */
export interface SendWindow {
  days: Weekday[];
  start: string;
  end: string;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(instant: Date, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) {
    parts[p.type] = p.value;
  }
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf((parts.weekday ?? '').toLowerCase() as Weekday) + 1,
  };
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds. */
function offsetMs(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows the given local time. A time that
 * does not exist (skipped by a DST jump) maps to the instant just after the jump.
 */
export function zonedTimeToUtc(
  local: { year: number; month: number; day: number; minutes: number },
  timeZone: string,
): Date {
  const naive = Date.UTC(local.year, local.month - 1, local.day, 0, local.minutes);
  const first = naive - offsetMs(new Date(naive), timeZone);
  const second = naive - offsetMs(new Date(first), timeZone);
  return new Date(Math.max(first, second));
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The local calendar day of `instant` in `timeZone`, as `YYYY-MM-DD`. */
export function localDay(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * The first instant at or after `from` inside the window, in `timeZone`. Outside the
 * window the send moves to the next opening (e.g. Friday 19:00 → Monday 09:00).
 */
export function nextSendTime(from: Date, window: SendWindow | null, timeZone: string): Date {
  if (!window || window.days.length === 0) {
    return from;
  }
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  const allowed = new Set(window.days.map((d) => WEEKDAYS.indexOf(d) + 1));
  const now = localParts(from, timeZone);
  const nowMinutes = now.hour * 60 + now.minute;
  if (allowed.has(now.weekday) && nowMinutes >= start && nowMinutes < end) {
    return from;
  }
  // Walk forward day by day over local calendar dates (a week plus one covers every case).
  for (let i = 0; i <= 7; i++) {
    const date = new Date(Date.UTC(now.year, now.month - 1, now.day + i));
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    if (!allowed.has(weekday) || (i === 0 && nowMinutes >= start)) {
      continue;
    }
    const opening = zonedTimeToUtc(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        minutes: start,
      },
      timeZone,
    );
    if (opening.getTime() >= from.getTime()) {
      return opening;
    }
  }
  return from;
}
