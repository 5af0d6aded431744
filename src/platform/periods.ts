/** The calendar units scores are bucketed by. */
export type PeriodUnit = 'day' | 'week' | 'month' | 'quarter';

/** Calendar dates as 'YYYY-MM-DD'; arithmetic in UTC so no time zone can shift a day. */
const toDate = (d: string) => new Date(`${d}T00:00:00Z`);
const toIso = (d: Date) => d.toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return toIso(d);
}

export function addMonths(day: string, n: number): string {
  const d = toDate(day);
  d.setUTCMonth(d.getUTCMonth() + n, 1);
  return toIso(d);
}

/** First day of the period containing `day` (weeks start on Monday, as date_trunc does). */
export function periodStart(day: string, unit: PeriodUnit): string {
  const d = toDate(day);
  switch (unit) {
    case 'day':
      return day;
    case 'week':
      return addDays(day, -((d.getUTCDay() + 6) % 7));
    case 'month':
      return `${day.slice(0, 7)}-01`;
    case 'quarter': {
      const month = Math.floor(d.getUTCMonth() / 3) * 3 + 1;
      return `${day.slice(0, 4)}-${String(month).padStart(2, '0')}-01`;
    }
  }
}

export function shiftPeriod(start: string, unit: PeriodUnit, n: number): string {
  switch (unit) {
    case 'day':
      return addDays(start, n);
    case 'week':
      return addDays(start, 7 * n);
    case 'month':
      return addMonths(start, n);
    case 'quarter':
      return addMonths(start, 3 * n);
  }
}

/** Period starts covering [since, until], aligned to whole periods. */
export function periodsBetween(since: string, until: string, unit: PeriodUnit): string[] {
  const out: string[] = [];
  for (let p = periodStart(since, unit); p <= until; p = shiftPeriod(p, unit, 1)) {
    out.push(p);
  }
  return out;
}

/**
 * The whole calendar months inside the days [from, to], as month starts [start, end), or null
 * when no month lies wholly inside.
 */
export function wholeMonthsBetween(
  from: string,
  to: string,
): { start: string; end: string } | null {
  const start = from.endsWith('-01') ? from : addMonths(from, 1);
  const dayAfter = addDays(to, 1);
  const end = dayAfter.endsWith('-01') ? dayAfter : periodStart(to, 'month');
  return start < end ? { start, end } : null;
}

/** Today's date in a time zone, as 'YYYY-MM-DD'. */
export function localDate(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** Start of the period a cell is compared with: the one before, or the same one a year earlier. */
export function comparisonStart(
  start: string,
  unit: PeriodUnit,
  compare: 'previous' | 'year',
): string {
  if (compare === 'previous') {
    return shiftPeriod(start, unit, -1);
  }
  switch (unit) {
    case 'day': {
      const lastYear = `${Number(start.slice(0, 4)) - 1}${start.slice(4)}`;
      // 29 February has no twin a year earlier; compare with 28 February.
      return sameDate(lastYear) ? lastYear : `${lastYear.slice(0, 8)}28`;
    }
    case 'week':
      return shiftPeriod(start, 'week', -52);
    case 'month':
    case 'quarter':
      return addMonths(start, -12);
  }
}

function sameDate(day: string): boolean {
  return toIso(toDate(day)) === day;
}
