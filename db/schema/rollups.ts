/** Counts per score value (s0…s10) of counted responses, per survey, local day and segment value. */
export interface ResponseRollupsTable {
  workspace_id: string;
  survey_id: string;
  day: string;
  /** '' for the whole survey, else a segment property (e.g. 'team', 'locale'). */
  dimension: string;
  value: string;
  s0: number;
  s1: number;
  s2: number;
  s3: number;
  s4: number;
  s5: number;
  s6: number;
  s7: number;
  s8: number;
  s9: number;
  s10: number;
}

/**
 * The same counts per local month (`month` = first day of the month of the daily rows' `day`):
 * always the sum of the month's daily rows, kept by the same merge.
 */
export interface ResponseRollupsMonthlyTable extends Omit<ResponseRollupsTable, 'day'> {
  month: string;
}

/** ±1 per response change and dimension, appended by a trigger, folded in by merge_rollup_deltas(). */
export interface RollupDeltasTable {
  id: string;
  workspace_id: string;
  survey_id: string;
  day: string;
  dimension: string;
  value: string;
  score: number;
  delta: number;
}
