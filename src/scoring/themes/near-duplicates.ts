/** Levenshtein distance, or `max + 1` as soon as it must exceed `max`. */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) {
    return max + 1;
  }
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) {
      return max + 1;
    }
    previous = current;
  }
  return previous[b.length] ?? max + 1;
}

const MIN_EDIT_LENGTH = 6;
const LONG_WORD = 10;
const MIN_PREFIX_LENGTH = 5;
const MAX_PREFIX_EXTRA = 2;

/**
 * True when two word stems are near-duplicates: same first letter and edit distance ≤ 1
 * (both ≥ 6 letters) or ≤ 2 (both ≥ 10), or one extends the other by at most 2 letters with
 * the shorter ≥ 5 letters (probl/problem, deliver/delivery).
 */
export function areNearDuplicates(a: string, b: string): boolean {
  if (a === b) {
    return true;
  }
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short[0] !== long[0]) {
    return false;
  }
  if (
    short.length >= MIN_PREFIX_LENGTH &&
    long.length - short.length <= MAX_PREFIX_EXTRA &&
    long.startsWith(short)
  ) {
    return true;
  }
  if (short.length < MIN_EDIT_LENGTH) {
    return false;
  }
  const max = short.length >= LONG_WORD ? 2 : 1;
  return boundedEditDistance(short, long, max) <= max;
}

/** Shortest key first, then code-unit order: the representative of a group of near-duplicates. */
export function compareKeys(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function find(parent: Map<string, string>, key: string): string {
  let root = key;
  while (parent.get(root) !== root) {
    root = parent.get(root) ?? root;
  }
  parent.set(key, root);
  return root;
}

/**
 * Groups word keys into connected components of near-duplicates and maps every key to its
 * component's representative (shortest, then first in code-unit order), so the result does
 * not depend on input order or on volumes.
 */
export function canonicalWordKeys(keys: Iterable<string>): Map<string, string> {
  const sorted = [...new Set(keys)].sort(compareKeys);
  const parent = new Map(sorted.map((k) => [k, k]));
  const byFirst = new Map<string, string[]>();
  for (const key of sorted) {
    const bucket = byFirst.get(key[0] ?? '') ?? [];
    for (const other of bucket) {
      if (areNearDuplicates(key, other)) {
        const [ra, rb] = [find(parent, key), find(parent, other)];
        if (ra !== rb) {
          parent.set(compareKeys(ra, rb) < 0 ? rb : ra, compareKeys(ra, rb) < 0 ? ra : rb);
        }
      }
    }
    bucket.push(key);
    byFirst.set(key[0] ?? '', bucket);
  }
  return new Map(sorted.map((k) => [k, find(parent, k)]));
}
