export { retry, RetriesExhaustedError, systemClock, type Attempt, type Clock, type RetryEvent, type RetryOptions } from './retry.js';
export { isRetriable, isRetriableExit, isRetriableHttpStatus } from './retriable.js';
export { Backoff, backoffDelay, withDeadline, type RandomSource, type RetryPolicy } from './retry-policy.js';
export * from './policies.js';
