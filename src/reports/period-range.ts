import { addDays } from '../platform/periods';
import { zonedTimeToUtc } from '../surveys/send-window';

/** The instants [from, to) of local calendar days [start, end] in a time zone. */
export function instantRange(start: string, end: string, timeZone: string) {
  return { from: startOfDay(start, timeZone), to: startOfDay(addDays(end, 1), timeZone) };
}

export function startOfDay(day: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number);
  return zonedTimeToUtc({ year: year!, month: month!, day: date!, minutes: 0 }, timeZone);
}

/** Query string for `/api/responses`, whose filter names these are (collector's list API). */
export function responsesLink(filter: {
  surveyId: string;
  from: Date;
  to: Date;
  category?: 'promoter' | 'passive' | 'detractor';
  segmentProperty?: string;
  segmentValue?: string;
  hasComment?: boolean;
}): string {
  const q = new URLSearchParams({
    surveyId: filter.surveyId,
    since: filter.from.toISOString(),
    until: filter.to.toISOString(),
  });
  if (filter.category) {
    q.set('category', filter.category);
  }
  if (filter.segmentProperty && filter.segmentValue !== undefined) {
    q.set('segmentProperty', filter.segmentProperty);
    q.set('segmentValue', filter.segmentValue);
  }
  if (filter.hasComment) {
    q.set('hasComment', 'true');
  }
  return `/api/responses?${q.toString()}`;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** 'March 2026' for a month start; '2026-03-02 – 2026-03-08' for any other range. */
export function periodLabel(kind: 'monthly' | 'weekly', start: string, end: string): string {
  if (kind === 'monthly') {
    return `${MONTHS[Number(start.slice(5, 7)) - 1]} ${start.slice(0, 4)}`;
  }
  return `${start} – ${end}`;
}
