import { canonicalWordKeys } from './near-duplicates';
import { hasDiacritics, stripDiacritics } from './normalize';
import type { TermOccurrence } from './terms';

/** A comment reduced to what grouping needs. */
export interface CommentTerms {
  readonly id: string;
  readonly terms: readonly TermOccurrence[];
}

/** A theme before scoring and overrides. */
export interface ThemeDraft {
  readonly key: string;
  readonly ids: Set<string>;
  /** Surface form → number of comments using it, for the label. */
  readonly surfaces: Map<string, number>;
}

/** Automatic themes plus where every absorbed key went. */
export interface Grouping {
  readonly drafts: Map<string, ThemeDraft>;
  readonly aliases: ReadonlyMap<string, string>;
}

interface TermStats extends ThemeDraft {
  readonly parts: readonly string[];
  vi: boolean;
}

/** Share of comments two themes have in common above which the weaker one is absorbed. */
export const SUBSUMPTION_JACCARD = 0.8;

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function byCountThenKey(map: ReadonlyMap<string, number>): string | undefined {
  let best: [string, number] | undefined;
  for (const [key, count] of map) {
    if (best === undefined || count > best[1] || (count === best[1] && key < best[0])) {
      best = [key, count];
    }
  }
  return best?.[0];
}

/** Maps each unaccented Vietnamese term to its most frequent accented spelling in the corpus. */
function accentedSpellings(comments: readonly CommentTerms[]): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const comment of comments) {
    for (const term of comment.terms) {
      if (term.vi && !term.unaccented) {
        const key = term.parts.join(' ');
        const stripped = stripDiacritics(key);
        const forms = counts.get(stripped) ?? new Map<string, number>();
        bump(forms, key);
        counts.set(stripped, forms);
      }
    }
  }
  const best = new Map<string, string>();
  for (const [stripped, forms] of counts) {
    best.set(stripped, byCountThenKey(forms) ?? stripped);
  }
  return best;
}

function resolveParts(term: TermOccurrence, accented: ReadonlyMap<string, string>): string[] {
  if (!term.unaccented) {
    return [...term.parts];
  }
  const whole = accented.get(term.parts.join(' '));
  return whole === undefined ? term.parts.map((p) => accented.get(p) ?? p) : whole.split(' ');
}

function collectStats(comments: readonly CommentTerms[]): Map<string, TermStats> {
  const accented = accentedSpellings(comments);
  const words = new Set<string>();
  for (const comment of comments) {
    for (const term of comment.terms) {
      if (!term.vi) {
        term.parts.forEach((part) => words.add(part));
      }
    }
  }
  const canonical = canonicalWordKeys(words);
  const stats = new Map<string, TermStats>();
  for (const comment of comments) {
    const seen = new Map<string, string>();
    for (const term of comment.terms) {
      const parts = term.vi
        ? resolveParts(term, accented)
        : term.parts.map((p) => canonical.get(p) ?? p);
      const key = parts.join(' ');
      const entry = stats.get(key) ?? {
        key,
        parts,
        vi: term.vi,
        ids: new Set<string>(),
        surfaces: new Map<string, number>(),
      };
      entry.vi ||= term.vi;
      entry.ids.add(comment.id);
      stats.set(key, entry);
      // NOTE: a surface counts once per comment, the smallest one if a comment has several.
      const previous = seen.get(key);
      if (previous === undefined || term.surface < previous) {
        seen.set(key, term.surface);
      }
    }
    for (const [key, surface] of seen) {
      const entry = stats.get(key);
      if (entry !== undefined) {
        bump(entry.surfaces, surface);
      }
    }
  }
  return stats;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let common = 0;
  for (const id of a) {
    if (b.has(id)) {
      common++;
    }
  }
  return common / (a.size + b.size - common);
}

interface Candidate {
  readonly into: TermStats;
  readonly score: number;
}

function better(a: Candidate | undefined, b: Candidate): boolean {
  if (a === undefined) {
    return true;
  }
  return (
    b.score > a.score ||
    (b.score === a.score &&
      (b.into.ids.size > a.into.ids.size ||
        (b.into.ids.size === a.into.ids.size && b.into.key < a.into.key)))
  );
}

/**
 * Decides absorptions from the unmerged stats: outside Vietnamese a phrase joins a word of it
 * that is at least as frequent; in Vietnamese a syllable joins a phrase containing it (the
 * two-syllable word is the unit of meaning). Both need Jaccard ≥ {@link SUBSUMPTION_JACCARD}.
 */
function absorptions(
  stats: ReadonlyMap<string, TermStats>,
  protectedKeys: ReadonlySet<string>,
): Map<string, string> {
  const best = new Map<string, Candidate>();
  const consider = (from: TermStats, into: TermStats): void => {
    if (protectedKeys.has(from.key)) {
      return;
    }
    const candidate = { into, score: jaccard(from.ids, into.ids) };
    if (candidate.score >= SUBSUMPTION_JACCARD && better(best.get(from.key), candidate)) {
      best.set(from.key, candidate);
    }
  };
  for (const phrase of stats.values()) {
    if (phrase.parts.length < 2) {
      continue;
    }
    for (const part of new Set(phrase.parts)) {
      const word = stats.get(part);
      if (word === undefined) {
        continue;
      }
      if (phrase.vi && word.vi) {
        consider(word, phrase);
      } else if (!phrase.vi && !word.vi && word.ids.size >= phrase.ids.size) {
        consider(phrase, word);
      }
    }
  }
  return new Map([...best].map(([from, c]) => [from, c.into.key]));
}

/**
 * Groups the candidate terms of all comments into automatic themes: stems already match,
 * near-duplicate words are merged, unaccented Vietnamese joins its accented spelling, and
 * phrases and words that cover nearly the same comments are folded together. Keys in
 * `protectedKeys` (named by manager overrides) are never absorbed.
 */
export function groupTerms(
  comments: readonly CommentTerms[],
  protectedKeys: ReadonlySet<string>,
): Grouping {
  const stats = collectStats(comments);
  const aliases = absorptions(stats, protectedKeys);
  const drafts = new Map<string, ThemeDraft>();
  for (const entry of stats.values()) {
    if (!aliases.has(entry.key)) {
      drafts.set(entry.key, { key: entry.key, ids: new Set(entry.ids), surfaces: entry.surfaces });
    }
  }
  for (const [from, into] of aliases) {
    const target = drafts.get(into);
    stats.get(from)?.ids.forEach((id) => target?.ids.add(id));
  }
  return { drafts, aliases };
}

/**
 * The label of a draft: its most frequent surface form, else its key. Ties prefer a form with
 * diacritics (Vietnamese typed with its accents reads better), then code-unit order.
 */
export function draftLabel(draft: ThemeDraft): string {
  const weighted = new Map(
    [...draft.surfaces].map(([surface, count]) => [
      surface,
      2 * count + (hasDiacritics(surface) ? 1 : 0),
    ]),
  );
  return byCountThenKey(weighted) ?? draft.key;
}
