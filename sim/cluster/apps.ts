import type { TraceTask } from '../types.js';
import type { AppState } from './model.js';

/** A Marathon path segment: lowercase letters, digits, dashes and dots. */
function segment(name: string): string {
  const clean = name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return clean === '' ? 'app' : clean;
}

/** The Marathon path segments of a trace's `app` value (`/` separates groups). */
function appSegments(app: string): string[] {
  const parts = app.split('/').filter((p) => p !== '');
  return parts.length === 0 ? ['app'] : parts.map(segment);
}

/**
 * One Marathon app per distinct app id of the trace, sized by its largest task. Returns the apps and,
 * in trace order, the app of each task.
 */
export function appsOf(tasks: readonly TraceTask[]): { apps: AppState[]; appOfTask: AppState[] } {
  const byName = new Map<string, AppState>();
  const byId = new Map<string, AppState>();
  const appOfTask: AppState[] = [];
  for (const task of tasks) {
    let app = byName.get(task.app);
    if (app === undefined) {
      const segments = appSegments(task.app);
      const id = `/${segments.join('/')}`;
      app = byId.get(id);
      if (app === undefined) {
        app = { id, safePath: segments.join('_'), taskName: [...segments].reverse().join('.'), cpus: 0, memMb: 0, waiting: 0 };
        byId.set(id, app);
      }
      byName.set(task.app, app);
    }
    app.cpus = Math.max(app.cpus, task.cpus);
    app.memMb = Math.max(app.memMb, task.memMb);
    appOfTask.push(app);
  }
  return { apps: [...byId.values()], appOfTask };
}
