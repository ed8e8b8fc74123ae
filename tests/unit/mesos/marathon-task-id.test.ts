import { createAppIdResolver, marathonAppId } from '../../../shared/mesos/marathon-task-id.js';
import { fixture } from './local-server.js';

describe('marathonAppId', () => {
  test.each([
    // ≤1.3 apps (legacy): <safe path>.<uuid>
    ['legacy, top-level app (megos 0.28 fixture)', 'simple-webserver.857d518f-241e-11e6-a10b-02424e0f635b', '/simple-webserver'],
    ['legacy, nested group', 'prod_team-a_api.bcdf1bbd-e50a-11e5-b92c-c6c68d973162', '/prod/team-a/api'],
    ['legacy with the very old `_` separator', 'sleep_0-1375913339457', '/sleep'],
    ['legacy `_` separator, nested', 'group_app_bcdf1bbd-e50a-11e5-b92c-c6c68d973162', '/group/app'],
    // resident (persistent volumes, 1.0+): <safe path>.<uuid>.<attempt>
    ['resident with launch attempt', 'db_postgres.b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6.42', '/db/postgres'],
    // instance era (1.4+): <safe path>.instance-<uuid>.<container>
    ['instance era app ($anon container)', 'myGroup_myApp.instance-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6.$anon', '/myGroup/myApp'],
    ['instance era pod container', 'ops_audit.instance-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6.rails', '/ops/audit'],
    ['instance id without container (app tasks docs fixture)', 'minecraft_survival-world.instance-564bd685-4c30-11e5-98c1-be5b2935a987', '/minecraft/survival-world'],
    ['resident instance with attempt', 'myGroup_myApp.instance-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6.rails.2', '/myGroup/myApp'],
    // migrated ids keep the `marathon-` prefix
    ['migrated (marathon- prefix)', 'myGroup_myApp.marathon-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6.$anon', '/myGroup/myApp'],
    ['migrated resident', 'myGroup_myApp.marathon-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6.$anon.1', '/myGroup/myApp'],
    // 1.8+: incarnation
    ['1.8+ incarnation', 'prod_team-a_api.instance-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6._app.3', '/prod/team-a/api'],
    // app names may contain dots and `marathon`
    ['app named marathon-lb', 'marathon-lb.instance-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6._app.1', '/marathon-lb'],
    ['legacy marathon-lb', 'infra_marathon-lb.b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6', '/infra/marathon-lb'],
    ['dots inside an app name', 'web_api.v2.instance-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6._app.1', '/web/api.v2'],
  ])('%s: %s → %s', (_era, taskId, appId) => {
    expect(marathonAppId(taskId)).toBe(appId);
  });

  test.each([['no-separator-at-all'], ['trailing.'], ['.leading']])('%s is not a Marathon task id', (taskId) => {
    expect(marathonAppId(taskId)).toBeNull();
  });

  test('agrees with the appId Marathon itself reports (app tasks docs fixture)', () => {
    const { tasks } = JSON.parse(fixture('marathon-1.10-v2-app-tasks-docs.json')) as { tasks: Array<{ id: string; appId: string }> };
    expect(tasks.length).toBeGreaterThan(0);
    for (const task of tasks) expect(marathonAppId(task.id)).toBe(task.appId);
  });

  test('the memoising resolver gives the same app ids', () => {
    const resolve = createAppIdResolver();
    const a = resolve('prod_api.instance-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6._app.1');
    const b = resolve('prod_api.50900bfb-90c6-11e9-e717-975613689e76');
    expect(a).toBe('/prod/api');
    expect(b).toBe('/prod/api');
    expect(resolve('nothing')).toBeNull();
  });
});
