import type { Api } from './api.js';

/** SaslHandshake v1: the mechanism, before SaslAuthenticate frames (KIP-152). */
export const SASL_HANDSHAKE: Api<{ readonly mechanism: string }, { readonly errorCode: number; readonly mechanisms: string[] }> = {
  key: 17,
  name: 'SaslHandshake',
  minVersion: 1,
  maxVersion: 1,
  flexibleFrom: Infinity,
  encode(w, _version, request) {
    w.string(request.mechanism);
  },
  decode(r) {
    return { errorCode: r.int16(), mechanisms: r.array(() => r.string()) };
  },
};

export interface SaslAuthenticateResponse {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly authBytes: Buffer;
}

/** SaslAuthenticate v2 (flexible; Kafka 2.5+): one round of the mechanism's exchange. */
export const SASL_AUTHENTICATE: Api<{ readonly authBytes: Buffer }, SaslAuthenticateResponse> = {
  key: 36,
  name: 'SaslAuthenticate',
  minVersion: 2,
  maxVersion: 2,
  flexibleFrom: 2,
  encode(w, _version, request) {
    w.bytes(request.authBytes).tags();
  },
  decode(r) {
    const errorCode = r.int16();
    const errorMessage = r.nullableString();
    const authBytes = Buffer.from(r.bytes() ?? Buffer.alloc(0));
    r.int64(); // session lifetime
    r.tags();
    return { errorCode, errorMessage, authBytes };
  },
};
