/*
 * Marathon task ids carry the app id as a "safe path" (segments joined with `_`), followed by
 * era-specific suffixes:
 *   legacy (≤1.3 apps)      group_app.<uuid>            (very old ones: group_app_<id>)
 *   resident (1.0+)         group_app.<uuid>.<attempt>
 *   instance era (1.4+)     group_app.instance-<uuid>.<container>   (`$anon` for apps)
 *   migrated instances      group_app.marathon-<uuid>.<container>
 *   1.8+ incarnations       group_app.instance-<uuid>._app.<n>
 * Tried most specific first; the greedy prefix keeps dots that belong to app names.
 */
const INSTANCE_ERA = /^(.+)\.(?:instance|marathon)-[^_.]+[._][^.]+(?:\.\d+)?$/;
const RESIDENT = /^(.+)[._][^_.]+\.\d+$/;
const LEGACY = /^(.+)[._][^_.]+$/;

/** `...\.\d+` at the end: what RESIDENT needs, checked without backtracking. */
function endsWithAttempt(taskId: string): boolean {
  const dot = taskId.lastIndexOf('.');
  if (dot < 0 || dot === taskId.length - 1) return false;
  for (let i = dot + 1; i < taskId.length; i++) {
    const c = taskId.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * The safe path (`group_app`) of a Marathon task id, or null when the id is not Marathon's. Each
 * regex runs only when a cheap necessary condition holds (this runs once per task).
 */
function marathonSafePath(taskId: string): string | null {
  const instance = taskId.includes('.instance-') || taskId.includes('.marathon-') ? INSTANCE_ERA.exec(taskId) : null;
  const match = instance ?? (endsWithAttempt(taskId) ? RESIDENT.exec(taskId) : null) ?? LEGACY.exec(taskId);
  return match ? match[1]! : null;
}

/**
 * The app id (`/group/app`) of a Marathon task id, or null. `_` inside an app-id segment cannot be
 * told from a path separator (Marathon has the same ambiguity), so it always becomes `/`.
 */
export function marathonAppId(taskId: string): string | null {
  const safePath = marathonSafePath(taskId);
  return safePath === null ? null : appIdOf(safePath);
}

function appIdOf(safePath: string): string {
  return `/${safePath.replaceAll('_', '/')}`;
}

/**
 * A memoising `marathonAppId` for one parse: thousands of tasks share a few hundred apps, so each
 * app id string is built once and shared by all its tasks.
 */
export function createAppIdResolver(): (taskId: string) => string | null {
  const bySafePath = new Map<string, string>();
  return (taskId) => {
    const safePath = marathonSafePath(taskId);
    if (safePath === null) return null;
    let appId = bySafePath.get(safePath);
    if (appId === undefined) {
      appId = appIdOf(safePath);
      bySafePath.set(safePath, appId);
    }
    return appId;
  };
}
