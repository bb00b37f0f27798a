import type { Api } from './api.js';

/**
 * The classic consumer-group protocol: find the coordinator, join, sync,
 * heartbeat, leave, and commit offsets (for lag tools only). Flexible
 * versions throughout (Kafka 2.4+).
 */

export interface Coordinator {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

/** FindCoordinator v3 (one key per request) for a consumer group. */
export const FIND_COORDINATOR: Api<{ readonly group: string }, Coordinator> = {
  key: 10,
  name: 'FindCoordinator',
  minVersion: 3,
  maxVersion: 3,
  flexibleFrom: 3,
  encode(w, _version, request) {
    w.string(request.group).int8(0).tags();
  },
  decode(r) {
    r.int32();
    const coordinator = { errorCode: r.int16(), errorMessage: r.nullableString(), nodeId: r.int32(), host: r.string(), port: r.int32() };
    r.tags();
    return coordinator;
  },
};

export interface JoinGroupRequest {
  readonly group: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly memberId: string;
  readonly protocols: readonly { readonly name: string; readonly metadata: Buffer }[];
}

export interface JoinGroupResponse {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolName: string | null;
  readonly leader: string;
  readonly memberId: string;
  readonly members: readonly { readonly memberId: string; readonly metadata: Buffer }[];
}

/** JoinGroup v6–v9. */
export const JOIN_GROUP: Api<JoinGroupRequest, JoinGroupResponse> = {
  key: 11,
  name: 'JoinGroup',
  minVersion: 6,
  maxVersion: 9,
  flexibleFrom: 6,
  encode(w, version, request) {
    w.string(request.group).int32(request.sessionTimeoutMs).int32(request.rebalanceTimeoutMs).string(request.memberId);
    w.string(null); // group instance id: dynamic membership
    w.string('consumer');
    w.array(request.protocols, (p) => {
      w.string(p.name).bytes(p.metadata).tags();
    });
    if (version >= 8) w.string(null); // reason
    w.tags();
  },
  decode(r, version) {
    r.int32();
    const errorCode = r.int16();
    const generationId = r.int32();
    if (version >= 7) r.nullableString(); // protocol type
    const protocolName = r.nullableString();
    const leader = r.string();
    if (version >= 9) r.bool(); // skip assignment
    const memberId = r.string();
    const members = r.array(() => {
      const member = { memberId: r.string(), instanceId: r.nullableString(), metadata: Buffer.from(r.bytes() ?? Buffer.alloc(0)) };
      r.tags();
      return { memberId: member.memberId, metadata: member.metadata };
    });
    r.tags();
    return { errorCode, generationId, protocolName, leader, memberId, members };
  },
};

export interface SyncGroupRequest {
  readonly group: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly protocolName: string;
  readonly assignments: readonly { readonly memberId: string; readonly assignment: Buffer }[];
}

/** SyncGroup v4–v5. */
export const SYNC_GROUP: Api<SyncGroupRequest, { readonly errorCode: number; readonly assignment: Buffer }> = {
  key: 14,
  name: 'SyncGroup',
  minVersion: 4,
  maxVersion: 5,
  flexibleFrom: 4,
  encode(w, version, request) {
    w.string(request.group).int32(request.generationId).string(request.memberId).string(null);
    if (version >= 5) w.string('consumer').string(request.protocolName);
    w.array(request.assignments, (a) => {
      w.string(a.memberId).bytes(a.assignment).tags();
    });
    w.tags();
  },
  decode(r, version) {
    r.int32();
    const errorCode = r.int16();
    if (version >= 5) {
      r.nullableString();
      r.nullableString();
    }
    const assignment = Buffer.from(r.bytes() ?? Buffer.alloc(0));
    r.tags();
    return { errorCode, assignment };
  },
};

export interface MemberRef {
  readonly group: string;
  readonly generationId: number;
  readonly memberId: string;
}

/** Heartbeat v4. */
export const HEARTBEAT: Api<MemberRef, { readonly errorCode: number }> = {
  key: 12,
  name: 'Heartbeat',
  minVersion: 4,
  maxVersion: 4,
  flexibleFrom: 4,
  encode(w, _version, request) {
    w.string(request.group).int32(request.generationId).string(request.memberId).string(null).tags();
  },
  decode(r) {
    r.int32();
    const errorCode = r.int16();
    r.tags();
    return { errorCode };
  },
};

/** LeaveGroup v4–v5. */
export const LEAVE_GROUP: Api<{ readonly group: string; readonly memberId: string }, { readonly errorCode: number }> = {
  key: 13,
  name: 'LeaveGroup',
  minVersion: 4,
  maxVersion: 5,
  flexibleFrom: 4,
  encode(w, version, request) {
    w.string(request.group);
    w.array([request.memberId], (memberId) => {
      w.string(memberId).string(null);
      if (version >= 5) w.string('turnover ingest stopping');
      w.tags();
    });
    w.tags();
  },
  decode(r) {
    r.int32();
    const errorCode = r.int16();
    r.array(() => {
      r.string();
      r.nullableString();
      r.int16();
      r.tags();
    });
    r.tags();
    return { errorCode };
  },
};

export interface OffsetCommitRequest extends MemberRef {
  readonly topic: string;
  readonly offsets: readonly (readonly [partition: number, offset: number])[];
}

/** OffsetCommit v8–v9; returns the first partition error (0 = none). */
export const OFFSET_COMMIT: Api<OffsetCommitRequest, { readonly errorCode: number }> = {
  key: 8,
  name: 'OffsetCommit',
  minVersion: 8,
  maxVersion: 9,
  flexibleFrom: 8,
  encode(w, _version, request) {
    w.string(request.group).int32(request.generationId).string(request.memberId).string(null);
    w.array([request.topic], (topic) => {
      w.string(topic);
      w.array(request.offsets, ([partition, offset]) => {
        w.int32(partition).int64(offset).int32(-1).string(null).tags();
      });
      w.tags();
    });
    w.tags();
  },
  decode(r) {
    r.int32();
    let errorCode = 0;
    r.array(() => {
      r.string();
      r.array(() => {
        r.int32();
        const code = r.int16();
        if (errorCode === 0) errorCode = code;
        r.tags();
      });
      r.tags();
    });
    r.tags();
    return { errorCode };
  },
};
