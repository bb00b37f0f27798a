import { connect, createServer } from 'node:net';
import { ConfigError } from '../errors.js';

/** A TCP port free on 127.0.0.1 right now (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Fails with a clear line when a port we are about to bind is taken by someone else. */
export async function assertPortFree(port: number, what: string, flag: string): Promise<void> {
  await new Promise<void>((resolveFree, reject) => {
    const server = createServer();
    server.once('error', () => reject(new ConfigError(`port ${port} for ${what} is in use by another process: choose another with ${flag}`)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree()));
  });
}

/** Whether something listens on 127.0.0.1:port: a connection is accepted within a second. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
