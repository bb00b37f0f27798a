import type { Api } from './api.js';

export interface ApiVersionRange {
  readonly min: number;
  readonly max: number;
}

export interface ApiVersionsResponse {
  readonly errorCode: number;
  readonly versions: ReadonlyMap<number, ApiVersionRange>;
}

/**
 * ApiVersions v3 (any broker since 2.4). Its response header is always v0
 * (no tagged fields), and a broker that does not serve v3 answers in v0's
 * layout with UNSUPPORTED_VERSION and its ranges: the connection handles both.
 */
export const API_VERSIONS: Api<{ readonly clientName: string; readonly clientVersion: string }, ApiVersionsResponse> = {
  key: 18,
  name: 'ApiVersions',
  minVersion: 3,
  maxVersion: 3,
  flexibleFrom: 3,
  encode(w, _version, request) {
    w.string(request.clientName).string(request.clientVersion).tags();
  },
  decode(r) {
    const errorCode = r.int16();
    const versions = new Map<number, ApiVersionRange>();
    r.array(() => {
      const key = r.int16();
      versions.set(key, { min: r.int16(), max: r.int16() });
      r.tags();
    });
    if (r.flexible) {
      r.int32();
      r.tags();
    }
    return { errorCode, versions };
  },
};
