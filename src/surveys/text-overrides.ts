import type { JsonObject } from '../../db/schema';

/**
 * Applies one invitation's text overrides (set through the Delighted-compatible API) over the
 * survey's texts for its locale. `company` replaces the product or company name in every text.
 */
export function withTextOverrides(
  surveyTexts: JsonObject,
  locale: string,
  company: string,
  overrides: JsonObject | null,
): { texts: JsonObject; company: string } {
  if (!overrides) {
    return { texts: surveyTexts, company };
  }
  const { company: companyOverride, ...texts } = overrides;
  const current = (surveyTexts[locale] ?? {}) as JsonObject;
  return {
    texts: { ...surveyTexts, [locale]: { ...current, ...texts } },
    company: typeof companyOverride === 'string' ? companyOverride : company,
  };
}
