import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAirflowHome, DAGS_DIR, tail, TURNOVER_CLI_COMMAND, type AirflowHome } from '../support/airflow.js';
import { PACKAGE_ROOT } from '../support/paths.js';
import { VerticaLoginRecorder } from '../support/vertica-handshake.js';

/**
 * DAG integrity in the installed Airflow (the pinned venv): every file in
 * dags/ imports without errors, and the DAGs have the ids, tasks, schedules,
 * retries and limits that docs/airflow.md promises, also when configured.
 */

const DESCRIBE_SCRIPT = join(PACKAGE_ROOT, 'test', 'airflow', 'describe_dags.py');

interface TaskDescription {
  operator: string;
  bases: string[];
  retries: number;
  retry_delay: number;
  retry_exponential_backoff: boolean;
  max_retry_delay: number;
  execution_timeout: number;
  trigger_rule: string;
  upstream: string[];
  arguments: string[];
}
interface DagDescription {
  fileloc: string;
  timetable: string;
  schedule: string;
  timezone: string;
  catchup: boolean;
  max_active_runs: number;
  start_date: string;
  params: string[];
  tasks: Record<string, TaskDescription>;
}
interface Scenario {
  import_errors: Record<string, string>;
  dags: Record<string, DagDescription>;
}
type Outcome = { arguments: string[] } | { skip: string } | { error: string; message: string };
interface Description {
  scenarios: Record<string, Scenario>;
  runs: Outcome[];
  turnover_env: ({ env: Record<string, string> } | { error: string; message: string })[];
}

/** The JSON document an `airflow … -o json` call printed (its logs go to stderr). */
function jsonOutput(stdout: string): unknown {
  const line = stdout.split('\n').find((l) => l.startsWith('[') || l.startsWith('{'));
  assert.ok(line, `no JSON in the output:\n${stdout}`);
  return JSON.parse(line);
}

const CONFIGURED = {
  TURNOVER_AIRFLOW_STG_SCHEDULE: '*/5 * * * *',
  TURNOVER_AIRFLOW_START_DATE: '2023-01-15',
  TURNOVER_AIRFLOW_MARTS_CATCHUP: 'false',
  TURNOVER_AIRFLOW_RETRIES: '5',
  TURNOVER_AIRFLOW_RETRY_DELAY_SECONDS: '30',
  TURNOVER_AIRFLOW_MAX_RETRY_DELAY_MINUTES: '10',
  TURNOVER_AIRFLOW_STG_TIMEOUT_MINUTES: '20',
  TURNOVER_AIRFLOW_MARTS_TIMEOUT_MINUTES: '45',
};

const day = (d: string) => `${d}T00:00:00+00:00`;
const RUNS = [
  // a scheduled @daily run: logical date = start of its data interval
  { logical_date: day('2022-10-01'), data_interval_start: day('2022-10-01'), data_interval_end: day('2022-10-02') },
  // what Airflow gives a manual run with a logical date: the interval that ended at it
  { logical_date: day('2022-10-03'), data_interval_start: day('2022-10-02'), data_interval_end: day('2022-10-03') },
  // an interval over several days (a run after a change of schedule, say)
  { logical_date: day('2022-10-01'), data_interval_start: day('2022-10-01'), data_interval_end: day('2022-10-08') },
  // manual runs with params, with one of them, and with params overriding an interval
  { params: { from: '2022-10-05', to: '2022-10-09' } },
  { params: { to: '2022-10-07' } },
  { params: { from: '2022-10-05' }, logical_date: day('2022-10-01'), data_interval_start: day('2022-10-01'), data_interval_end: day('2022-10-02') },
  // Airflow 3: a manual run without a logical date
  { params: { from: null, to: null } },
  // refused
  { params: { from: '2022-10-09', to: '2022-10-05' } },
  { params: { from: '2022-02-30' } },
];

describe('DAG files in the installed Airflow', () => {
  let airflow: AirflowHome;
  let description: Description;

  before(async () => {
    airflow = await createAirflowHome();
    const out = join(airflow.home, 'description.json');
    const request = {
      scenarios: { defaults: {}, configured: CONFIGURED, bad: { TURNOVER_AIRFLOW_RETRIES: 'three' } },
      runs: RUNS,
      turnover_env: ['{"TURNOVER_LOG_LEVEL": "info", "TURNOVER_CHUNK_SIZE": 5000}', '{"TURNOVER_KAFKA_SASL_PASSWORD": "x"}', '{"PATH": "/tmp"}', '["TURNOVER_X"]', 'not json'],
    };
    const described = await airflow.python(DESCRIBE_SCRIPT, [JSON.stringify(request), out]);
    assert.equal(described.code, 0, tail(described));
    description = JSON.parse(readFileSync(out, 'utf8')) as Description;
  });
  after(() => airflow?.remove());

  it('every file imports with no errors (airflow dags list-import-errors --local)', async () => {
    const result = await airflow.airflow(['dags', 'list-import-errors', '--local', '-o', 'json']);
    assert.equal(result.code, 0, tail(result));
    assert.deepEqual(jsonOutput(result.stdout), []);
  });

  it('lists exactly the two turnover DAGs, from dags/ (airflow dags list --local)', async () => {
    const result = await airflow.airflow(['dags', 'list', '--local', '-o', 'json']);
    assert.equal(result.code, 0, tail(result));
    const dags = jsonOutput(result.stdout) as { dag_id: string; fileloc: string }[];
    assert.deepEqual(dags.map((d) => d.dag_id).sort(), ['turnover_build_marts', 'turnover_load_stg']);
    for (const dag of dags) assert.equal(dag.fileloc, join(DAGS_DIR, 'turnover_dags.py'));
  });

  it('STG DAG: every 15 minutes, no catch-up, one run at a time, load-stg --until-caught-up', () => {
    const { import_errors, dags } = description.scenarios.defaults!;
    assert.deepEqual(import_errors, {});
    const stg = dags.turnover_load_stg!;
    assert.equal(stg.timetable, 'CronTriggerTimetable');
    assert.equal(stg.schedule, '*/15 * * * *');
    assert.equal(stg.timezone, 'UTC');
    assert.equal(stg.catchup, false);
    assert.equal(stg.max_active_runs, 1);
    assert.deepEqual(Object.keys(stg.tasks), ['load_stg']);
    const task = stg.tasks.load_stg!;
    assert.deepEqual(task.arguments, ['load-stg', '--until-caught-up']);
    assert.ok(task.bases.includes('BashOperator'));
    assert.equal(task.execution_timeout, 60 * 60);
  });

  it('marts DAG: @daily over data intervals from a fixed start, catch-up, one run at a time, interval then touched days', () => {
    const marts = description.scenarios.defaults!.dags.turnover_build_marts!;
    assert.equal(marts.timetable, 'CronDataIntervalTimetable');
    assert.equal(marts.schedule, '0 0 * * *');
    assert.equal(marts.timezone, 'UTC');
    assert.equal(marts.start_date, '2022-10-01T00:00:00+00:00');
    assert.equal(marts.catchup, true);
    assert.equal(marts.max_active_runs, 1);
    assert.deepEqual(marts.params, ['from', 'to']);
    assert.deepEqual(Object.keys(marts.tasks).sort(), ['build_interval_days', 'build_touched_days']);
    const touched = marts.tasks.build_touched_days!;
    assert.deepEqual(touched.arguments, ['build-marts']);
    assert.deepEqual(touched.upstream, ['build_interval_days']);
    assert.equal(touched.trigger_rule, 'none_failed');
    assert.equal(marts.tasks.build_interval_days!.operator, 'BuildMartsForIntervalOperator');
    assert.equal(touched.execution_timeout, 120 * 60);
  });

  it('every task retries 3 times with exponential back-off from 1 minute up to 30', () => {
    for (const dag of Object.values(description.scenarios.defaults!.dags)) {
      for (const task of Object.values(dag.tasks)) {
        assert.equal(task.retries, 3);
        assert.equal(task.retry_delay, 60);
        assert.equal(task.retry_exponential_backoff, true);
        assert.equal(task.max_retry_delay, 30 * 60);
        assert.ok(task.bases.includes('BashOperator'), `${task.operator} runs the CLI through BashOperator`);
      }
    }
  });

  it('takes its shape from TURNOVER_AIRFLOW_* in the environment', () => {
    const { import_errors, dags } = description.scenarios.configured!;
    assert.deepEqual(import_errors, {});
    assert.equal(dags.turnover_load_stg!.schedule, '*/5 * * * *');
    assert.equal(dags.turnover_build_marts!.catchup, false);
    assert.equal(dags.turnover_build_marts!.start_date, '2023-01-15T00:00:00+00:00');
    assert.equal(dags.turnover_load_stg!.tasks.load_stg!.execution_timeout, 20 * 60);
    assert.equal(dags.turnover_build_marts!.tasks.build_touched_days!.execution_timeout, 45 * 60);
    for (const dag of Object.values(dags)) {
      for (const task of Object.values(dag.tasks)) {
        assert.deepEqual([task.retries, task.retry_delay, task.max_retry_delay], [5, 30, 10 * 60]);
      }
    }
  });

  it('a bad setting is an import error that names the variable', () => {
    const { import_errors, dags } = description.scenarios.bad!;
    assert.deepEqual(dags, {});
    assert.match(import_errors['turnover_dags.py'] ?? '', /TURNOVER_AIRFLOW_RETRIES must be an integer >= 0, got 'three'/);
  });

  it('… and airflow dags list-import-errors --local reports it with exit status 1', async () => {
    const result = await airflow.airflow(['dags', 'list-import-errors', '--local', '-o', 'json'], { TURNOVER_AIRFLOW_START_DATE: '2022-13-01' });
    assert.equal(result.code, 1, tail(result));
    const errors = jsonOutput(result.stdout) as { filepath: string; error: string }[];
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.error, /TURNOVER_AIRFLOW_START_DATE must be a day YYYY-MM-DD, got '2022-13-01'/);
  });

  it('the marts interval task builds the run\'s days, from params or the data interval, and skips a run without either', () => {
    const build = (from: string, to: string) => ({ arguments: ['build-marts', '--from', from, '--to', to] });
    const [scheduled, manual, week, range, toOnly, override, noInterval, reversed, impossible] = description.runs;
    assert.deepEqual(scheduled, build('2022-10-01', '2022-10-01'));
    assert.deepEqual(manual, build('2022-10-02', '2022-10-02'));
    assert.deepEqual(week, build('2022-10-01', '2022-10-07'));
    assert.deepEqual(range, build('2022-10-05', '2022-10-09'));
    assert.deepEqual(toOnly, build('2022-10-07', '2022-10-07'));
    assert.deepEqual(override, build('2022-10-05', '2022-10-05'));
    assert.ok(noInterval && 'skip' in noInterval, JSON.stringify(noInterval));
    assert.match(noInterval.skip, /no data interval/);
    assert.deepEqual(reversed, { error: 'AirflowFailException', message: 'param from (2022-10-09) is after param to (2022-10-05)' });
    assert.deepEqual(impossible, { error: 'AirflowFailException', message: "param from must be a day YYYY-MM-DD, got '2022-02-30'" });
  });

  it('the turnover_env Variable takes TURNOVER_* settings only, and no secrets', () => {
    const [ok, secret, notOurs, notObject, notJson] = description.turnover_env;
    assert.deepEqual(ok, { env: { TURNOVER_LOG_LEVEL: 'info', TURNOVER_CHUNK_SIZE: '5000' } });
    for (const refused of [secret, notOurs, notObject, notJson]) assert.equal(refused && 'error' in refused && refused.error, 'AirflowFailException');
    assert.match((secret as { message: string }).message, /TURNOVER_KAFKA_SASL_PASSWORD is a secret/);
    assert.match((notOurs as { message: string }).message, /'PATH' is not a TURNOVER_\* variable name/);
  });

  it('a configuration error fails the task at once: the CLI says why, Airflow does not retry', async () => {
    // the real CLI with no TURNOVER_LANDING_URL (nor its old name) anywhere: exit status 3 (CONFIG)
    const run = await airflow.airflow(['dags', 'test', 'turnover_load_stg'], { TURNOVER_CLI: TURNOVER_CLI_COMMAND });
    const log = run.stdout + run.stderr;
    assert.equal(run.code, 1, tail(run));
    assert.match(log, /TURNOVER_LANDING_URL is not set/);
    assert.match(log, /turnover exited with status 3: configuration error; not retrying/);
    assert.match(log, /new_state=failed/);
    assert.doesNotMatch(log, /up_for_retry/);
  });

  it("a Vertica warehouse: a Connection of Airflow's vertica type reaches the CLI as vertica://, host, port, user, password and database intact", async () => {
    // no Vertica server runs here: the recorder reads the login the CLI's Vertica client sends, then refuses it (28000)
    const server = await VerticaLoginRecorder.start();
    const password = 'p@ss:w/rd% ?#';
    try {
      const run = await airflow.airflow(['dags', 'test', 'turnover_build_marts', '2022-10-01'], {
        TURNOVER_CLI: TURNOVER_CLI_COMMAND,
        AIRFLOW_CONN_TURNOVER_WAREHOUSE: JSON.stringify({ conn_type: 'vertica', host: '127.0.0.1', port: server.port, login: 'dbadmin', password, schema: 'dwh' }),
      });
      const log = run.stdout + run.stderr;
      assert.equal(run.code, 1, tail(run));
      assert.match(log, new RegExp(`TURNOVER_WAREHOUSE_URL from Connection turnover_warehouse: vertica://dbadmin:\\*\\*\\*@127\\.0\\.0\\.1:${server.port}/dwh`));
      // a @daily run at 2022-10-01 covers the interval that ended then
      assert.match(log, /build-marts --from 2022-09-30 --to 2022-09-30/);
      assert.match(log, /the warehouse \(Vertica\) refused the connection: .*SQLSTATE 28000/);
      assert.match(log, /turnover exited with status 3: configuration error; not retrying/);
      assert.ok(!log.includes(password), 'the password is never logged');
      // one login, not retried: a refused login is the setup's to fix
      assert.deepEqual(
        server.logins.map((l) => ({ user: l.parameters.user, database: l.parameters.database, password: l.password })),
        [{ user: 'dbadmin', database: 'dwh', password }],
      );
    } finally {
      await server.close();
    }
  });

  it('the DAG files hold no credentials or addresses', () => {
    for (const file of readdirSync(DAGS_DIR).filter((f) => f.endsWith('.py'))) {
      const text = readFileSync(join(DAGS_DIR, file), 'utf8');
      assert.doesNotMatch(text, /[a-z]+:\/\/[^\s"'/]*:[^\s"'/]*@/i, `${file}: a URL with a password`);
      assert.doesNotMatch(text, /\b\d{1,3}(\.\d{1,3}){3}\b|localhost/, `${file}: a host address`);
    }
  });
});
