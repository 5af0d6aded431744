import type { CesCounts } from './ces';
import { CES_SCALE, cesAgreePercent, cesMean, cesStandardDeviation, cesTotal } from './ces';
import type { CsatCounts } from './csat';
import { csatPercent, csatTotal } from './csat';
import type { AdjustedWaldInterval, Interval } from './intervals';
import {
  DEFAULT_CONFIDENCE,
  meanTInterval,
  npsAdjustedWaldInterval,
  wilsonInterval,
} from './intervals';
import type { NpsCounts } from './nps';
import { npsPoints, npsShares, npsStandardErrorPoints, npsTotal } from './nps';
import { assertCount } from './guards';

/** Below this many responses a score is flagged "too few responses" (docs/statistics.md). */
export const DEFAULT_MIN_RESPONSES = 30;

/** Options shared by the headline score functions. */
export interface SummaryOptions {
  /** Confidence level of the interval; default 0.95. */
  readonly confidence?: number;
  /** Small-sample threshold; default 30. */
  readonly minResponses?: number;
}

/**
 * Small-sample flag, n < minResponses (default 30), docs/statistics.md: the score and its
 * interval are still shown, flagged "too few responses".
 */
export function isSmallSample(n: number, minResponses: number = DEFAULT_MIN_RESPONSES): boolean {
  assertCount(n, 'n');
  return n < minResponses;
}

/** Headline NPS with its recommended interval. Every score field is null when n = 0. */
export interface NpsSummary {
  readonly n: number;
  /** NPS in points, −100…100. */
  readonly npsPoints: number | null;
  readonly promoterPercent: number | null;
  readonly passivePercent: number | null;
  readonly detractorPercent: number | null;
  /** Standard error sqrt(V/n) in points. */
  readonly standardErrorPoints: number | null;
  /** Adjusted Wald interval in points (centred on the adjusted NPS). */
  readonly interval: AdjustedWaldInterval | null;
  /** n < minResponses. */
  readonly tooFewResponses: boolean;
}

/** NPS, shares, SE and adjusted Wald interval in one call (docs/statistics.md). */
export function scoreNps(counts: NpsCounts, options: SummaryOptions = {}): NpsSummary {
  const n = npsTotal(counts);
  return {
    n,
    npsPoints: npsPoints(counts),
    ...npsShares(counts),
    standardErrorPoints: npsStandardErrorPoints(counts),
    interval: npsAdjustedWaldInterval(counts, options.confidence ?? DEFAULT_CONFIDENCE),
    tooFewResponses: isSmallSample(n, options.minResponses),
  };
}

/** Headline CSAT with its Wilson interval; score fields are null when total = 0. */
export interface CsatSummary {
  readonly total: number;
  /** Share of 4–5 answers in percent, 0…100. */
  readonly csatPercent: number | null;
  /** Wilson interval in percent. */
  readonly interval: Interval | null;
  readonly tooFewResponses: boolean;
}

/** CSAT share and Wilson interval (docs/statistics.md). */
export function scoreCsat(counts: CsatCounts, options: SummaryOptions = {}): CsatSummary {
  const total = csatTotal(counts);
  return {
    total,
    csatPercent: csatPercent(counts),
    interval: wilsonInterval(counts.satisfied, total, options.confidence ?? DEFAULT_CONFIDENCE),
    tooFewResponses: isSmallSample(total, options.minResponses),
  };
}

/** Both CES forms, labelled. Mean fields are on the 1–7 scale; agree fields in percent. */
export interface CesSummary {
  readonly total: number;
  /** Mean answer, 1…7; null when total = 0. */
  readonly meanScore: number | null;
  /** Sample standard deviation; null when total < 2. */
  readonly standardDeviation: number | null;
  /** t interval for the mean in 1–7 units, display clipped to 1…7; null when total < 2. */
  readonly meanInterval: Interval | null;
  /** Share of 5–7 answers in percent, 0…100; null when total = 0. */
  readonly agreePercent: number | null;
  /** Wilson interval for the agree share in percent; null when total = 0. */
  readonly agreeInterval: Interval | null;
  readonly tooFewResponses: boolean;
}

/** CES mean with t interval and CES % agree with Wilson interval (docs/statistics.md). */
export function scoreCes(counts: CesCounts, options: SummaryOptions = {}): CesSummary {
  const total = cesTotal(counts);
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const meanScore = cesMean(counts);
  const standardDeviation = cesStandardDeviation(counts);
  return {
    total,
    meanScore,
    standardDeviation,
    meanInterval:
      meanScore === null || standardDeviation === null
        ? null
        : meanTInterval({ mean: meanScore, standardDeviation, n: total }, CES_SCALE, confidence),
    agreePercent: cesAgreePercent(counts),
    agreeInterval: wilsonInterval(counts.agree, total, confidence),
    tooFewResponses: isSmallSample(total, options.minResponses),
  };
}
