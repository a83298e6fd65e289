// Which versions of a screening list are kept (contract §17): at least the last
// 30, and every version that served at any time in the last 90 days — a run of
// 80 days ago screened against a version that was superseded 85 days ago, and
// must still replay. Pure: the caller passes "now" and the versions.

export const KEEP_LAST_VERSIONS = 30;
export const KEEP_DAYS = 90;

export interface VersionLife {
  sha256: string;
  /** Null: staged, never served. */
  became_current_at: string | null;
  /** Null: serving now (or never served). */
  superseded_at: string | null;
  /** Set once the retention started deleting it. */
  retired_at: string | null;
}

/**
 * The versions to delete: those the retention already started on; those
 * staged by a refresh that never switched (except `staging`, the refresh
 * running now); and those that served, are not among the last
 * KEEP_LAST_VERSIONS to become current, and stopped serving more than KEEP_DAYS
 * before `now`. The version serving is always kept.
 */
export function versionsToDelete(versions: readonly VersionLife[], now: Date, staging: string | null): string[] {
  const since = now.getTime() - KEEP_DAYS * 86_400_000;
  const served = versions
    .filter((v) => v.became_current_at !== null && v.retired_at === null)
    .sort((a, b) => (a.became_current_at! < b.became_current_at! ? 1 : a.became_current_at! > b.became_current_at! ? -1 : 0));
  const latest = new Set(served.slice(0, KEEP_LAST_VERSIONS).map((v) => v.sha256));
  return versions
    .filter((v) => {
      if (v.sha256 === staging) return false;
      if (v.retired_at !== null) return true;
      if (v.became_current_at === null) return true;
      if (v.superseded_at === null || latest.has(v.sha256)) return false;
      return Date.parse(v.superseded_at) < since;
    })
    .map((v) => v.sha256);
}
