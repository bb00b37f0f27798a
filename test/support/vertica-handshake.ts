import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** What a client sent a Vertica server before it could send any SQL. */
export interface VerticaLogin {
  /** The startup message's parameters (user, database, client_label, …). */
  readonly parameters: Readonly<Record<string, string>>;
  /** The password the client answered a cleartext-password request with. */
  readonly password: string | undefined;
}

/**
 * The first two exchanges of Vertica's frontend/backend protocol (the
 * PostgreSQL v3 message layout): a startup message is read, a cleartext
 * password is asked for and read, and the login is refused with SQLSTATE
 * 28000. No Vertica server can run on this machine; this is how a test sees
 * which host, port, user, password and database a configuration really
 * reaches a Vertica client with. It runs no SQL and pretends nothing beyond
 * the refusal.
 */
export class VerticaLoginRecorder {
  readonly logins: VerticaLogin[] = [];
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket) => this.#serve(socket));
  }

  static async start(): Promise<VerticaLoginRecorder> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    return new VerticaLoginRecorder(server);
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #serve(socket: Socket): void {
    let buffered = Buffer.alloc(0);
    let parameters: Record<string, string> | undefined;
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      if (parameters === undefined) {
        // startup message: int32 length (itself included), int32 version, then name\0value\0 … \0
        if (buffered.length < 4 || buffered.length < buffered.readInt32BE(0)) return;
        const length = buffered.readInt32BE(0);
        parameters = startupParameters(buffered.subarray(8, length));
        buffered = buffered.subarray(length);
        socket.write(message('R', int32(3))); // AuthenticationCleartextPassword
      }
      // password message: 'p', int32 length, the password \0
      if (buffered.length < 5 || buffered.length < 1 + buffered.readInt32BE(1)) return;
      const password = buffered[0] === 0x70 ? cString(buffered.subarray(5, 1 + buffered.readInt32BE(1))) : undefined;
      this.logins.push({ parameters, password });
      const fields = Buffer.concat(['SFATAL', 'C28000', 'Mrefused by the test: login recorded'].map((f) => Buffer.from(`${f}\0`)));
      socket.end(message('E', Buffer.concat([fields, Buffer.from([0])])));
    });
  }
}

function startupParameters(body: Buffer): Record<string, string> {
  const parts = body.toString('utf8').split('\0');
  const parameters: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) parameters[parts[i]!] = parts[i + 1]!;
  return parameters;
}

const cString = (bytes: Buffer): string => bytes.toString('utf8').replace(/\0$/, '');

function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

function message(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}
