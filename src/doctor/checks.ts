import { connectionFailure, operationalError } from '../db/operational-error.js';
import { describeError, EXIT_CODES, TurnoverError, type ErrorCode } from '../errors.js';
import type { KafkaConfig } from '../kafka/index.js';
import type { Logger } from '../log/logger.js';
import { StatusReader } from '../runner/status.js';
import { findChromium } from '../setup/chromium.js';
import { checkJava, checkMaven } from '../setup/prerequisites.js';
import { checkPython } from '../setup/python-venv.js';
import { portInUse } from '../process/ports.js';
import type { StackStatus } from '../stack/index.js';

/** One line of the doctor's screen. */
export interface Finding {
  readonly section: 'prerequisites' | 'local stack' | 'ports' | 'pipeline';
  readonly name: string;
  /** ok; warn: works, but look; fail: something the pipeline needs is wrong. */
  readonly level: 'ok' | 'warn' | 'fail';
  readonly summary: string;
  /** For a failure: what kind (the exit status). */
  readonly code?: ErrorCode;
}

const ok = (section: Finding['section'], name: string, summary: string): Finding => ({ section, name, level: 'ok', summary });
const warn = (section: Finding['section'], name: string, summary: string): Finding => ({ section, name, level: 'warn', summary });
const fail = (section: Finding['section'], name: string, summary: string, code: ErrorCode): Finding => ({ section, name, level: 'fail', summary, code });

/** The failures, most basic first: what to fix before the rest can be judged. */
const PRIORITY: readonly ErrorCode[] = ['PREREQUISITE', 'CONFIG', 'UNAVAILABLE', 'STACK'];

/** 0 when nothing failed (warnings allowed), else the exit status of the most basic failure. */
export function exitStatusOf(findings: readonly Finding[]): number {
  const codes = findings.filter((f) => f.level === 'fail').map((f) => f.code ?? 'INTERNAL');
  if (codes.length === 0) return 0;
  const first = [...codes].sort((a, b) => rank(a) - rank(b))[0]!;
  return EXIT_CODES[first];
}

const rank = (code: ErrorCode): number => (PRIORITY.includes(code) ? PRIORITY.indexOf(code) : PRIORITY.length);

/** Node, a JDK, Maven (the local stack); Python (Airflow, Superset) and Chromium (the browser tests) only warn. */
export async function prerequisites(env: NodeJS.ProcessEnv): Promise<Finding[]> {
  const section = 'prerequisites';
  const node = Number(process.versions.node.split('.')[0]);
  const findings: Finding[] = [node >= 20 ? ok(section, 'node', `v${process.versions.node}`) : fail(section, 'node', `v${process.versions.node}: Node 20 or newer is needed`, 'PREREQUISITE')];
  findings.push(await checkJava(env).then((major) => ok(section, 'java', `JDK ${major}`), (error: unknown) => fail(section, 'java', describeError(error), 'PREREQUISITE')));
  findings.push(await checkMaven(env).then(() => ok(section, 'maven', 'found'), (error: unknown) => warn(section, 'maven', describeError(error))));
  findings.push(await checkPython(env).then((version) => ok(section, 'python', `Python ${version}`), () => warn(section, 'python', 'Python 3.10+ not found: needed by Airflow and Superset only (or set TURNOVER_PYTHON)')));
  const chromium = findChromium(env);
  findings.push(chromium ? ok(section, 'chromium', chromium) : warn(section, 'chromium', 'not found: needed by the browser tests only (turnover setup chromium)'));
  return findings;
}

/** The local stack's servers; not running is a failure only when the pipeline has nothing else to talk to. */
export function localStack(status: StackStatus, configuredElsewhere: boolean): Finding[] {
  const section = 'local stack';
  return status.components.map((c) => {
    if (c.healthy) return ok(section, c.name, `healthy on ${c.address}${c.pid ? `, pid ${c.pid}` : ''}`);
    const state = c.pid ? `running but not answering on ${c.address} (pid ${c.pid}; log ${c.log})` : 'not running';
    return configuredElsewhere ? warn(section, c.name, `${state}; not needed: TURNOVER_* name other servers`) : fail(section, c.name, `${state}: turnover stack up`, 'STACK');
  });
}

/** The dashboard port: free, a turnover dashboard, or taken by another program (which `up` and `dashboard` would meet). */
export async function dashboardPort(port: number): Promise<Finding> {
  const section = 'ports';
  if (!(await portInUse(port))) return ok(section, 'dashboard', `${port} free`);
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(3_000) });
    const body = (await response.json()) as { status?: string };
    if (body.status === 'ok') return ok(section, 'dashboard', `a turnover dashboard answers on http://127.0.0.1:${port}/`);
  } catch {
    // not ours: said below
  }
  return warn(section, 'dashboard', `${port} is in use by another program: give turnover up / turnover dashboard another --port`);
}

/** A stopped stack server's port taken by another program: `turnover stack up` would fail on it. */
export async function stackPorts(status: StackStatus): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const c of status.components.filter((component) => !component.healthy && !component.pid)) {
    const port = Number(c.address.split(':').at(-1));
    if (await portInUse(port)) findings.push(warn('ports', c.name, `${port} is in use by another program: turnover stack up would fail (--${c.name}-port)`));
  }
  return findings;
}

export interface PipelineSources {
  readonly stagingUrl: string;
  readonly warehouseUrl: string;
  readonly kafka: KafkaConfig;
  readonly topic: string;
  readonly group: string;
}

const count = (n: bigint | number): string => Number(n).toLocaleString('en-US');

function ageOf(at: Date, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  return s < 90 ? `${s} s ago` : s < 5_400 ? `${Math.round(s / 60)} min ago` : s < 129_600 ? `${Math.round(s / 3600)} h ago` : `${Math.round(s / 86_400)} d ago`;
}

/** A probe's failure as a finding of its kind: not reachable (5), misconfigured or not migrated (3), or the error itself. */
function probeFailure(name: string, what: string, error: unknown): Finding {
  const typed = operationalError(connectionFailure(error, what), what);
  const known = typed instanceof TurnoverError ? typed : undefined;
  const code = known?.code === 'UNAVAILABLE' || known?.code === 'CONFIG' ? known.code : 'UNAVAILABLE';
  const missing = /42P01|does not exist/.test(describeError(typed)) ? ' (not migrated? turnover migrate)' : '';
  return fail('pipeline', name, `${describeError(typed)}${missing}`, code);
}

/**
 * What the pipeline has done, read from the tables of SPEC §3 as `turnover
 * up`'s status line reads them: records landed, Kafka's lag, what STG has
 * not loaded, the last mart build and the days waiting for one.
 */
export async function pipeline(sources: PipelineSources, logger: Logger, now: Date): Promise<Finding[]> {
  const section = 'pipeline';
  let reader: StatusReader;
  try {
    reader = await StatusReader.open(sources, logger);
  } catch (error) {
    return [probeFailure('warehouse', 'the warehouse', error)];
  }
  try {
    const findings: Finding[] = [];
    const landing = await reader.landed().then(
      (value) => value,
      (error: unknown) => {
        findings.push(probeFailure('landing', 'the landing database', error));
        return undefined;
      },
    );
    if (landing) findings.push(ok(section, 'landing', `${count(landing.landed)} records landed (topic ${sources.topic}, group ${sources.group})`));
    const end = await reader.kafkaEnd().then(
      (value) => value,
      (error: unknown) => {
        findings.push(fail(section, 'kafka', `Kafka is not answering for topic ${sources.topic}: ${describeError(error)}`, 'UNAVAILABLE'));
        return undefined;
      },
    );
    if (landing && end !== undefined) {
      const lag = end - landing.landed;
      findings.push(lag === 0n ? ok(section, 'kafka lag', '0 records waiting') : warn(section, 'kafka lag', lag > 0n ? `${count(lag)} records in Kafka not landed yet: is turnover ingest running?` : `the landing holds ${count(-lag)} more records than Kafka's log (a recreated topic?)`));
    }
    const progress = await reader.progress(landing?.incarnation ?? 0).then(
      (value) => value,
      (error: unknown) => {
        findings.push(probeFailure('warehouse', 'the warehouse', error));
        return undefined;
      },
    );
    if (landing && progress) {
      const behind = landing.landed - progress.loaded;
      findings.push(behind === 0n ? ok(section, 'stg', 'everything landed is loaded') : warn(section, 'stg', `${count(behind)} landed records not loaded yet: is turnover load-stg running?`));
    }
    if (progress) {
      const built = progress.lastBuiltAt;
      if (!built) findings.push(warn(section, 'marts', 'never built: turnover build-marts'));
      else if (progress.queued === 0) findings.push(ok(section, 'marts', `current; last build ${built.toISOString().slice(0, 19).replace('T', ' ')} UTC (${ageOf(built, now)})`));
      else findings.push(warn(section, 'marts', `${count(progress.queued)} day(s) queued since the last build ${built.toISOString().slice(0, 19).replace('T', ' ')} UTC (${ageOf(built, now)}): is turnover build-marts running?`));
    }
    return findings;
  } finally {
    await reader.close();
  }
}
