import type { Grouping, ThemeDraft } from './grouping';
import type { ThemeOverrides } from './types';

/** A draft after overrides: possibly renamed and pinned. */
export interface OverriddenDraft extends ThemeDraft {
  readonly rename: string | undefined;
  readonly pinned: boolean;
}

/** Keys that overrides name as themes to keep: automatic grouping must not absorb them. */
export function protectedKeysOf(overrides: ThemeOverrides): Set<string> {
  return new Set([
    ...Object.keys(overrides.renames ?? {}),
    ...Object.values(overrides.merges ?? {}),
    ...(overrides.pins ?? []),
  ]);
}

/**
 * Where a key ends up: through automatic aliases and manager merges, repeatedly. A merge cycle
 * ends at the cycle's smallest key, so every member of the cycle lands in the same place.
 */
function finalKey(
  key: string,
  merges: Readonly<Record<string, string>>,
  aliases: ReadonlyMap<string, string>,
): string {
  const path: string[] = [];
  let current = aliases.get(key) ?? key;
  while (Object.hasOwn(merges, current)) {
    if (path.includes(current)) {
      return path.slice(path.indexOf(current)).reduce((a, b) => (b < a ? b : a));
    }
    path.push(current);
    const next = merges[current] ?? current;
    current = aliases.get(next) ?? next;
  }
  return current;
}

function emptyDraft(key: string): ThemeDraft {
  return { key, ids: new Set(), surfaces: new Map() };
}

// NOTE: the target keeps its own surfaces when it has any, so its label does not change.
function absorb(into: ThemeDraft, from: ThemeDraft): void {
  from.ids.forEach((id) => into.ids.add(id));
  if (into.surfaces.size > 0) {
    return;
  }
  for (const [surface, count] of from.surfaces) {
    into.surfaces.set(surface, (into.surfaces.get(surface) ?? 0) + count);
  }
}

/**
 * Applies manager overrides to automatic themes: merges combine comments (by distinct id) into
 * the target key, renames replace labels of the final keys, pins mark themes (created empty when
 * no comment mentions them) that must always be reported. A merge whose source was absorbed
 * automatically moves the absorbing theme.
 */
export function applyOverrides(grouping: Grouping, overrides: ThemeOverrides): OverriddenDraft[] {
  const merges = overrides.merges ?? {};
  const renames = overrides.renames ?? {};
  const drafts = new Map(grouping.drafts);
  const resolve = (key: string): string => finalKey(key, merges, grouping.aliases);
  const moves = Object.keys(merges)
    .sort()
    .map((from) => [grouping.aliases.get(from) ?? from, resolve(from)] as const)
    .filter(([source, target]) => source !== target && drafts.has(source));
  const targets = new Map<string, ThemeDraft>();
  for (const [source, target] of moves) {
    const from = drafts.get(source);
    if (from === undefined) {
      continue;
    }
    const existing = targets.get(target) ?? drafts.get(target);
    const into = existing === undefined ? emptyDraft(target) : cloneDraft(existing);
    absorb(into, from);
    drafts.delete(source);
    targets.set(target, into);
    drafts.set(target, into);
  }
  const pinned = new Set((overrides.pins ?? []).map(resolve));
  for (const key of pinned) {
    if (!drafts.has(key)) {
      drafts.set(key, emptyDraft(key));
    }
  }
  return [...drafts.values()].map((draft) => ({
    ...draft,
    rename: Object.hasOwn(renames, draft.key) ? renames[draft.key] : undefined,
    pinned: pinned.has(draft.key),
  }));
}

function cloneDraft(draft: ThemeDraft): ThemeDraft {
  return { key: draft.key, ids: new Set(draft.ids), surfaces: new Map(draft.surfaces) };
}
