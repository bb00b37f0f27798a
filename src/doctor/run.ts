import type { Handler } from '../command/command-spec.js';
import { DEFAULT_GROUP, DEFAULT_TOPIC } from '../command/shared-options.js';
import { postgresUrl } from '../db/postgres-url.js';
import { kafkaConfigFrom } from '../kafka/kafka-config.js';
import { LocalStack, resolveStackSettings, stackEnv } from '../stack/index.js';
import { dashboardPort, exitStatusOf, localStack, pipeline, prerequisites, stackPorts, type Finding, type PipelineSources } from './checks.js';

const LABEL = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

/**
 * `turnover doctor`: every check, one screen, an exit status. The pipeline
 * looked at is the one the TURNOVER_* settings name (all three: landing,
 * warehouse, brokers), else the running local stack's.
 */
export const doctor: Handler = async (input, context) => {
  const { options } = input;
  const now = new Date();
  const findings: Finding[] = await prerequisites(context.env);
  const settings = await resolveStackSettings(options, context.env);
  const status = await new LocalStack(settings, context.env).status();
  const configured = [options.stagingUrl, options.warehouseUrl, options.brokers].every((v) => typeof v === 'string' && v !== '');
  findings.push(...localStack(status, configured));
  findings.push(await dashboardPort(options.dashboardPort as number), ...(await stackPorts(status)));

  const local = status.healthy ? stackEnv(settings) : undefined;
  let sources: PipelineSources | undefined;
  if (configured || local) {
    const pick = (option: unknown, variable: string): unknown => (configured ? option : local![variable]);
    sources = {
      stagingUrl: postgresUrl(pick(options.stagingUrl, 'TURNOVER_LANDING_URL'), 'TURNOVER_LANDING_URL'),
      warehouseUrl: String(pick(options.warehouseUrl, 'TURNOVER_WAREHOUSE_URL')),
      kafka: kafkaConfigFrom({ ...options, brokers: pick(options.brokers, 'TURNOVER_KAFKA_BROKERS') }, context.env),
      topic: String(options.topic ?? DEFAULT_TOPIC),
      group: String(options.group ?? DEFAULT_GROUP),
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
