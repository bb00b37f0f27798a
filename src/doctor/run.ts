import type { Handler } from '../command/command-spec.js';
import { postgresUrl } from '../db/postgres-url.js';
import { kafkaConfigFrom } from '../kafka/kafka-config.js';
import { childEnv } from '../process/child-env.js';
import { LocalStack, resolveStackSettings, stackEnv } from '../stack/index.js';
import type { DoctorOptions } from './command.js';
import { dashboardPort, exitStatusOf, localStack, pipeline, prerequisites, stackPorts, type Finding, type PipelineSources } from './checks.js';

const LABEL = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

/**
 * `turnover doctor`: every check, one screen, an exit status. The pipeline
 * looked at is the one the TURNOVER_* settings name (all three: landing,
 * warehouse, brokers), else the running local stack's.
 */
export const doctor: Handler<DoctorOptions> = async (input, context) => {
  const { options } = input;
  const now = new Date();
  // the prerequisites are programs this process starts (java, mvn, python): they get its environment
  const env = childEnv();
  const findings: Finding[] = await prerequisites(env);
  const settings = await resolveStackSettings(options, env);
  const status = await new LocalStack(settings, env).status();
  const configured = [options.stagingUrl, options.warehouseUrl, options.brokers].every((v) => typeof v === 'string' && v !== '');
  findings.push(...localStack(status, configured));
  findings.push(await dashboardPort(options.dashboardPort), ...(await stackPorts(status)));

  const local = status.healthy ? stackEnv(settings) : undefined;
  let sources: PipelineSources | undefined;
  if (configured || local) {
    const pick = (option: unknown, variable: string): unknown => (configured ? option : local![variable]);
    sources = {
      stagingUrl: postgresUrl(pick(options.stagingUrl, 'TURNOVER_LANDING_URL'), 'TURNOVER_LANDING_URL'),
      warehouseUrl: String(pick(options.warehouseUrl, 'TURNOVER_WAREHOUSE_URL')),
      kafka: kafkaConfigFrom({ ...options, brokers: pick(options.brokers, 'TURNOVER_KAFKA_BROKERS') }, context.secrets),
      topic: options.topic,
      group: options.group,
    };
    findings.push(...(await pipeline(sources, context.logger, now)));
  }

  const exitStatus = exitStatusOf(findings);
  const out = context.stdout;
  if (options.json) {
    out.write(`${JSON.stringify({ checkedAt: now.toISOString(), pipeline: sources ? { topic: sources.topic, group: sources.group } : null, findings, exitStatus })}\n`);
    return exitStatus;
  }
  out.write(`turnover doctor, ${now.toISOString().slice(0, 19).replace('T', ' ')} UTC\n`);
  let section = '';
  for (const f of findings) {
    if (f.section !== section) {
      section = f.section;
      out.write(`\n${section}${section === 'local stack' ? ` (${settings.stateDir})` : ''}\n`);
    }
    out.write(`  ${LABEL[f.level]}  ${f.name.padEnd(10)} ${f.summary}\n`);
  }
  if (!sources) out.write('\npipeline\n  skipped: nothing to look at (set TURNOVER_LANDING_URL, TURNOVER_WAREHOUSE_URL and TURNOVER_KAFKA_BROKERS, or turnover stack up)\n');
  const warnings = findings.filter((f) => f.level === 'warn').length;
  const failures = findings.filter((f) => f.level === 'fail').length;
  out.write(`\n${failures} failure${failures === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}; exit status ${exitStatus}\n`);
  return exitStatus;
};
