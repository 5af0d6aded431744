import {
  comparisonStart,
  localDate,
  periodsBetween,
  periodStart,
  shiftPeriod,
} from '../../src/platform/periods';

describe('calendar periods', () => {
  it('starts weeks on Monday, months on the 1st and quarters on Jan/Apr/Jul/Oct 1st', () => {
    expect(periodStart('2026-11-22', 'week')).toBe('2026-11-16'); // a Sunday
    expect(periodStart('2026-11-23', 'week')).toBe('2026-11-23'); // a Monday
    expect(periodStart('2026-11-23', 'month')).toBe('2026-11-01');
    expect(periodStart('2026-11-23', 'quarter')).toBe('2026-10-01');
    expect(periodStart('2026-03-31', 'quarter')).toBe('2026-01-01');
  });

  it('lists whole periods covering a range, across year ends', () => {
    expect(periodsBetween('2025-11-15', '2026-02-03', 'month')).toEqual([
      '2025-11-01',
      '2025-12-01',
      '2026-01-01',
      '2026-02-01',
    ]);
    expect(periodsBetween('2026-01-01', '2026-01-03', 'day')).toHaveLength(3);
    expect(shiftPeriod('2026-01-01', 'quarter', -1)).toBe('2025-10-01');
  });

  it('compares with the previous period or the same period a year before', () => {
    expect(comparisonStart('2026-03-01', 'month', 'previous')).toBe('2026-02-01');
    expect(comparisonStart('2026-03-01', 'month', 'year')).toBe('2025-03-01');
    expect(comparisonStart('2026-11-23', 'week', 'year')).toBe('2025-11-24');
    expect(comparisonStart('2028-02-29', 'day', 'year')).toBe('2027-02-28');
    expect(comparisonStart('2027-02-28', 'day', 'year')).toBe('2026-02-28');
  });

  it("gives today's date in a time zone", () => {
    const instant = new Date('2026-02-01T03:00:00Z');
    expect(localDate(instant, 'UTC')).toBe('2026-02-01');
    expect(localDate(instant, 'America/New_York')).toBe('2026-01-31');
    expect(localDate(instant, 'Asia/Ho_Chi_Minh')).toBe('2026-02-01');
  });
});
