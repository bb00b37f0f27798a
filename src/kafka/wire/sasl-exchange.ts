import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SaslMechanism } from '../kafka-config.js';

/**
 * The client side of a SASL mechanism as a sequence of messages: `first()`
 * is sent, then each server message goes to `next()`, which returns the
 * client's reply, or null when the exchange is complete (and throws when
 * the server's proof does not verify).
 */
export interface SaslExchange {
  readonly mechanism: string;
  first(): Buffer;
  next(server: Buffer): Buffer | null;
}

export function saslExchange(mechanism: SaslMechanism, username: string, password: string): SaslExchange {
  if (mechanism === 'plain') return plain(username, password);
  return scram(mechanism === 'scram-sha-256' ? 'sha256' : 'sha512', username, password);
}

/** PLAIN (RFC 4616): authorisation id empty, then user and password. */
function plain(username: string, password: string): SaslExchange {
  return {
    mechanism: 'PLAIN',
    first: () => Buffer.from(`\0${username}\0${password}`, 'utf8'),
    next: () => null,
  };
}

/** SCRAM (RFC 5802) without channel binding, as Kafka implements it (KIP-84). */
function scram(digest: 'sha256' | 'sha512', username: string, password: string): SaslExchange {
  const length = digest === 'sha256' ? 32 : 64;
  const clientNonce = randomBytes(24).toString('base64url');
  const firstBare = `n=${username.replaceAll('=', '=3D').replaceAll(',', '=2C')},r=${clientNonce}`;
  let step = 0;
  let expectedServerSignature: Buffer | undefined;
  const hmac = (key: Buffer, text: string) => createHmac(digest, key).update(text, 'utf8').digest();
  return {
    mechanism: digest === 'sha256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512',
    first: () => Buffer.from(`n,,${firstBare}`, 'utf8'),
    next(server) {
      const message = server.toString('utf8');
      const fields = new Map(message.split(',').map((part) => [part.slice(0, 1), part.slice(2)]));
      if (fields.has('e')) throw new Error(`SCRAM: the server refused: ${fields.get('e')}`);
      step += 1;
      if (step === 1) {
        const nonce = fields.get('r') ?? '';
        const salt = Buffer.from(fields.get('s') ?? '', 'base64');
        const iterations = Number(fields.get('i'));
        if (!nonce.startsWith(clientNonce) || salt.length === 0 || !Number.isInteger(iterations) || iterations < 1) {
          throw new Error('SCRAM: the server\'s first message is malformed');
        }
        const salted = pbkdf2Sync(password, salt, iterations, length, digest);
        const clientKey = hmac(salted, 'Client Key');
        const storedKey = createHash(digest).update(clientKey).digest();
        const withoutProof = `c=biws,r=${nonce}`;
        const authMessage = `${firstBare},${message},${withoutProof}`;
        const signature = hmac(storedKey, authMessage);
        const proof = Buffer.alloc(length);
        for (let i = 0; i < length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
        expectedServerSignature = hmac(hmac(salted, 'Server Key'), authMessage);
        return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
      }
      const verifier = Buffer.from(fields.get('v') ?? '', 'base64');
      if (!expectedServerSignature || verifier.length !== expectedServerSignature.length || !timingSafeEqual(verifier, expectedServerSignature)) {
        throw new Error('SCRAM: the server\'s signature does not verify');
      }
      return null;
    },
  };
}
