import type { Generated, Json, JsonObject, NullableTimestamp, Timestamp } from './common';

export type MetricAlertCondition = 'below_threshold' | 'significant_drop' | 'low_volume';
export type MetricAlertChannel = 'email' | 'chat';
export type VolumeLimitMethod = 'sigma' | 'poisson';

/** A watch on one survey's score or response volume. */
export interface MetricAlertRulesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  survey_id: string;
  condition: MetricAlertCondition;
  /** The window in days: the score's window, or the volume's (compared with the baseline days). */
  window_days: number;
  /** below_threshold only: the score (NPS points, CSAT/CES % or the mean) it must stay at or above. */
  threshold: number | null;
  /** Score conditions: fewer responses in a window decide nothing. */
  min_responses: Generated<number>;
  /** significant_drop: the test's two-sided significance level. */
  alpha: Generated<number>;
  /** low_volume: weeks of daily counts before the window. */
  baseline_weeks: Generated<number>;
  /** low_volume: compare each day with the same weekday only. */
  same_weekday: Generated<boolean>;
  limit_method: Generated<VolumeLimitMethod>;
  channel: MetricAlertChannel;
  email: string | null;
  /** channel 'chat': the Slack or Teams channel of this chat alert rule. */
  chat_alert_rule_id: string | null;
  last_evaluated_at: NullableTimestamp;
  last_result: Json<JsonObject | null>;
  created_at: Timestamp;
}

/** One stretch of time a rule was firing; closed_at null while it still is. */
export interface MetricAlertEpisodesTable {
  id: Generated<string>;
  workspace_id: string;
  rule_id: string;
  opened_at: Timestamp;
  opened_detail: Json<JsonObject>;
  closed_at: NullableTimestamp;
  closed_detail: Json<JsonObject | null>;
  alert_sent_at: NullableTimestamp;
  recovery_sent_at: NullableTimestamp;
}
