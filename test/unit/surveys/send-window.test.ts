import { isSampledIn } from '../../../src/dispatch/sampling';
import { localDay, nextSendTime, zonedTimeToUtc } from '../../../src/surveys/send-window';
import type { SendWindow } from '../../../src/surveys/send-window';

const weekdays: SendWindow = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '18:00',
};

describe('nextSendTime', () => {
  it('keeps a time that is inside the window', () => {
    // Wednesday 2026-11-25 10:30 in Zagreb (UTC+1) = 09:30Z
    const from = new Date('2026-11-25T09:30:00Z');
    expect(nextSendTime(from, weekdays, 'Europe/Zagreb')).toEqual(from);
  });

  it('moves an evening send to the next morning in the contact’s zone', () => {
    // Wednesday 19:00 Zagreb = 18:00Z → Thursday 09:00 Zagreb = 08:00Z
    const from = new Date('2026-11-25T18:00:00Z');
    expect(nextSendTime(from, weekdays, 'Europe/Zagreb').toISOString()).toBe(
      '2026-11-26T08:00:00.000Z',
    );
  });

  it('moves a Friday-night send to Monday 09:00', () => {
    const from = new Date('2026-11-27T22:00:00Z'); // Friday 23:00 Zagreb
    expect(nextSendTime(from, weekdays, 'Europe/Zagreb').toISOString()).toBe(
      '2026-11-30T08:00:00.000Z',
    );
  });

  it('moves an early-morning send to 09:00 the same day', () => {
    const from = new Date('2026-11-25T03:00:00Z'); // Wednesday 10:00 in Ho Chi Minh City (UTC+7)
    expect(nextSendTime(from, weekdays, 'Asia/Ho_Chi_Minh')).toEqual(from);
    const early = new Date('2026-11-24T23:00:00Z'); // Wednesday 06:00 in HCMC
    expect(nextSendTime(early, weekdays, 'Asia/Ho_Chi_Minh').toISOString()).toBe(
      '2026-11-25T02:00:00.000Z',
    );
  });

  it('gives different instants for the same local window in different zones', () => {
    const from = new Date('2026-11-25T20:00:00Z');
    const zagreb = nextSendTime(from, weekdays, 'Europe/Zagreb');
    const newYork = nextSendTime(from, weekdays, 'America/New_York');
    expect(zagreb.toISOString()).toBe('2026-11-26T08:00:00.000Z');
    // 15:00 in New York is inside the window already.
    expect(newYork).toEqual(from);
  });

  it('honours the end of the window as exclusive', () => {
    const atEnd = new Date('2026-11-25T17:00:00Z'); // 18:00 Zagreb
    expect(nextSendTime(atEnd, weekdays, 'Europe/Zagreb').toISOString()).toBe(
      '2026-11-26T08:00:00.000Z',
    );
  });

  it('handles a daylight-saving change (Europe/Zagreb, last Sunday of March)', () => {
    const window: SendWindow = { days: ['mon'], start: '09:00', end: '10:00' };
    // Saturday 2027-03-27 12:00Z (UTC+1); next Monday is after the switch to UTC+2.
    expect(
      nextSendTime(new Date('2027-03-27T12:00:00Z'), window, 'Europe/Zagreb').toISOString(),
    ).toBe('2027-03-29T07:00:00.000Z');
  });

  it('sends at once without a window', () => {
    const from = new Date('2026-11-25T23:59:00Z');
    expect(nextSendTime(from, null, 'Europe/Zagreb')).toEqual(from);
  });
});

describe('zonedTimeToUtc and localDay', () => {
  it('maps a skipped local time to the instant after the jump', () => {
    // 02:30 does not exist in Zagreb on 2027-03-28; 03:00 CEST = 01:00Z.
    const t = zonedTimeToUtc({ year: 2027, month: 3, day: 28, minutes: 150 }, 'Europe/Zagreb');
    expect(t.getTime()).toBeGreaterThanOrEqual(Date.parse('2027-03-28T00:30:00Z'));
    expect(t.getTime()).toBeLessThanOrEqual(Date.parse('2027-03-28T01:30:00Z'));
  });

  it('names the local calendar day', () => {
    expect(localDay(new Date('2026-11-25T23:30:00Z'), 'Asia/Ho_Chi_Minh')).toBe('2026-11-26');
    expect(localDay(new Date('2026-11-25T23:30:00Z'), 'UTC')).toBe('2026-11-25');
  });
});

describe('isSampledIn', () => {
  it('answers the same for the same contact and event, every time', () => {
    for (let i = 0; i < 50; i++) {
      const parts = ['survey', `contact-${i}`, `event-${i}`];
      expect(isSampledIn(0.5, parts)).toBe(isSampledIn(0.5, parts));
    }
  });

  it('samples close to the rate over many contacts', () => {
    let hits = 0;
    for (let i = 0; i < 10_000; i++) {
      if (isSampledIn(0.3, ['s', `c${i}`, 'e'])) {
        hits++;
      }
    }
    expect(hits).toBeGreaterThan(2800);
    expect(hits).toBeLessThan(3200);
  });

  it('always includes at rate 1 and never at rate 0', () => {
    expect(isSampledIn(1, ['a'])).toBe(true);
    expect(isSampledIn(0, ['a'])).toBe(false);
  });
});
