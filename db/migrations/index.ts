import type { Migration } from 'kysely';
import * as init from './20261123T170000_init';
import * as dispatcher from './20261123T180000_dispatcher';
import * as collector from './20261123T190000_collector';
import * as rollups from './20261123T200000_rollups';
import * as reports from './20261123T210000_reports';
import * as dashboardUsers from './20261123T220000_dashboard_users';
import * as delighted from './20261123T230000_delighted';
import * as responseTags from './20261123T235000_response_tags';
import * as retention from './20261124T000000_retention';
import * as rollupRebuildRequests from './20261124T010000_rollup_rebuild_requests';
import * as outboxForWebhooksAndAlerts from './20261202T000000_outbox_for_webhooks_and_alerts';
import * as invitationHandedAt from './20261202T010000_invitation_handed_at';
import * as ingestFunction from './20261203T000000_ingest_function';
import * as ingestSet from './20261204T000000_ingest_set';
import * as recordFormAnswer from './20261204T010000_record_form_answer';
import * as rollupStatementTriggers from './20261204T020000_rollup_statement_triggers';
import * as bounceSources from './20261204T190000_bounce_sources';
import * as chatAlerts from './20261204T200000_chat_alerts';
import * as setupTokens from './20261204T210000_setup_tokens';
import * as moreSurveyKinds from './20261204T220000_more_survey_kinds';
import * as helpdeskSources from './20261204T233000_helpdesk_sources';
import * as metricAlerts from './20261204T230000_metric_alerts';
import * as additionalQuestions from './20261205T000000_additional_questions';
import * as monthlyRollups from './20261207T000000_monthly_rollups';

// NOTE: append-only. A migration that has shipped is never edited; add a new one.
export const migrations: Record<string, Migration> = {
  '20261123T170000_init': init,
  '20261123T180000_dispatcher': dispatcher,
  '20261123T190000_collector': collector,
  '20261123T200000_rollups': rollups,
  '20261123T210000_reports': reports,
  '20261123T220000_dashboard_users': dashboardUsers,
  '20261123T230000_delighted': delighted,
  '20261123T235000_response_tags': responseTags,
  '20261124T000000_retention': retention,
  '20261124T010000_rollup_rebuild_requests': rollupRebuildRequests,
  '20261202T000000_outbox_for_webhooks_and_alerts': outboxForWebhooksAndAlerts,
  '20261202T010000_invitation_handed_at': invitationHandedAt,
  '20261203T000000_ingest_function': ingestFunction,
  '20261204T000000_ingest_set': ingestSet,
  '20261204T010000_record_form_answer': recordFormAnswer,
  '20261204T020000_rollup_statement_triggers': rollupStatementTriggers,
  '20261204T190000_bounce_sources': bounceSources,
  '20261204T200000_chat_alerts': chatAlerts,
  '20261204T210000_setup_tokens': setupTokens,
  '20261204T220000_more_survey_kinds': moreSurveyKinds,
  '20261204T230000_metric_alerts': metricAlerts,
  '20261204T233000_helpdesk_sources': helpdeskSources,
  '20261205T000000_additional_questions': additionalQuestions,
  '20261207T000000_monthly_rollups': monthlyRollups,
};
