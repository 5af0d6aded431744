import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { QuestionType } from '../surveys/questions';

/** One question's answers (one id and type, over all its versions) as SQL counted them. */
export interface AnswerAggregate {
  surveyId: string;
  questionId: string;
  type: QuestionType;
  /** Responses that answered it (one answer per response and question). */
  n: number;
  /** Scales only: the mean and sample SD (n − 1) of the values. */
  mean: number | null;
  standardDeviation: number | null;
  /** Earliest position it was asked at, to order questions no longer asked. */
  position: number;
  /** Per option id (or scale value): answers naming it, and its text in the newest version. */
  options: Map<string, { text: string; count: number }>;
  /** The wordings answered, newest version first. */
  versions: { version: number; text: string; n: number }[];
  /** Free text only: the newest answers, newest first. */
  quotes: { responseId: string; score: number; text: string }[];
}

interface Row {
  level: 'question' | 'version' | 'option' | 'quote';
  survey_id: string;
  question_id: string;
  type: QuestionType;
  version: number | null;
  text: string | null;
  pick: string | null;
  pick_text: string | null;
  count: number;
  mean: number | null;
  sd: number | null;
  position: number | null;
  response_id: string | null;
  score: number | null;
}

/**
 * The answers of counted responses in [from, to) of the given surveys, aggregated in one
 * statement: per question (survey, id, type) the responses that answered it and for scales the
 * mean and SD; per version (its text snapshot) the responses that answered that wording; per
 * option the answers naming it (a multiple choice names several); and the `quotes` newest
 * free-text answers per question. Versions of one id and type are added up under that id
 * (options by id); a type change makes a separate question.
 */
export async function aggregateAnswers(
  db: Kysely<Database>,
  workspaceId: string,
  surveyIds: readonly string[],
  range: { from?: Date; to?: Date },
  quotes: number,
): Promise<Map<string, AnswerAggregate[]>> {
  const found = new Map<string, AnswerAggregate[]>(surveyIds.map((id) => [id, []]));
  if (surveyIds.length === 0) {
    return found;
  }
  const since = range.from ? sql`and r.created_at >= ${range.from}` : sql``;
  const until = range.to ? sql`and r.created_at < ${range.to}` : sql``;
  // NOTE: grouping(version, text, pick) is 7 for a question's row, 1 for a version's, 6 for an option's.
  const { rows } = await sql<Row>`
    with a as (
      select r.survey_id::text as survey_id, a.question_id, a.question ->> 'type' as type,
             a.question_version as version, a.question ->> 'text' as text,
             a.question -> 'options' as options, a.value, a.position,
             a.response_id::text as response_id, r.score, r.created_at
      from response_answers a
      join counted_responses r on r.id = a.response_id
      where a.workspace_id = ${workspaceId} and r.workspace_id = ${workspaceId}
        and r.survey_id in (${sql.join([...surveyIds])}) ${since} ${until}
    ),
    picks as (
      -- One row per option named (a multiple choice names several); free text names none.
      select a.*, p.pick,
             (select o ->> 'text' from jsonb_array_elements(coalesce(a.options, '[]'::jsonb)) o
              where o ->> 'id' = p.pick limit 1) as pick_text
      from a
      cross join lateral jsonb_array_elements_text(
        case when a.type = 'free_text' then '[null]'::jsonb
             when jsonb_typeof(a.value) = 'array' then a.value
             else jsonb_build_array(a.value) end) as p(pick)
    )
    select case grouping(version, text, pick)
             when 7 then 'question' when 1 then 'version' else 'option' end as level,
           survey_id, question_id, type, version, text, pick,
           case when grouping(version, text, pick) = 6
             then (array_agg(pick_text order by version desc))[1] end as pick_text,
           case when grouping(version, text, pick) = 6 then count(*)
                else count(distinct response_id) end::int as count,
           avg(case when type in ('scale_5', 'scale_10') then pick::numeric end)::float8 as mean,
           stddev_samp(case when type in ('scale_5', 'scale_10') then pick::numeric end)::float8
             as sd,
           min(position)::int as position,
           null::text as response_id, null::int as score, null::bigint as rank
    from picks
    group by grouping sets (
      (survey_id, question_id, type),
      (survey_id, question_id, type, version, text),
      (survey_id, question_id, type, pick)
    )
    union all
    select 'quote', survey_id, question_id, type, version, text, value #>> '{}', null, 0,
           null, null, position, response_id, score, rank
    from (
      select a.*, row_number() over (
               partition by survey_id, question_id, type order by created_at desc, response_id
             ) as rank
      from a where type = 'free_text'
    ) q
    where rank <= ${quotes}
    order by survey_id, question_id, type, level, version desc nulls last, rank, pick`.execute(db);
  const byKey = new Map<string, AnswerAggregate>();
  const aggregateOf = (r: Row) => {
    const key = JSON.stringify([r.survey_id, r.question_id, r.type]);
    let agg = byKey.get(key);
    if (!agg) {
      agg = {
        surveyId: r.survey_id,
        questionId: r.question_id,
        type: r.type,
        n: 0,
        mean: null,
        standardDeviation: null,
        position: 0,
        options: new Map(),
        versions: [],
        quotes: [],
      };
      byKey.set(key, agg);
      found.get(r.survey_id)?.push(agg);
    }
    return agg;
  };
  for (const r of rows) {
    const agg = aggregateOf(r);
    switch (r.level) {
      case 'question':
        Object.assign(agg, {
          n: r.count,
          mean: r.mean,
          standardDeviation: r.sd,
          position: r.position ?? 0,
        });
        break;
      case 'version':
        agg.versions.push({ version: r.version ?? 0, text: r.text ?? '', n: r.count });
        break;
      case 'option':
        if (r.pick !== null) {
          agg.options.set(r.pick, { text: r.pick_text ?? r.pick, count: r.count });
        }
        break;
      case 'quote':
        agg.quotes.push({
          responseId: r.response_id ?? '',
          score: r.score ?? 0,
          text: r.pick ?? '',
        });
        break;
    }
  }
  return found;
}
