/**
 * Library behind a producer. kafkajs is the default; @platformatic/kafka
 * spends about a third of kafkajs' CPU per message (bench/generator), so
 * bulk producers (generate, replay) use it. A module of its own so that
 * command specs can list the choices without loading either library: every
 * CLI start (an Airflow task, a mart tick) pays for what the specs import.
 */
export type ProducerLibrary = 'kafkajs' | 'platformatic';
export const PRODUCER_LIBRARIES: readonly ProducerLibrary[] = ['kafkajs', 'platformatic'];
