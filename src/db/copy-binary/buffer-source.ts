/** A supply of reusable buffers (the STG loader's BufferPool), for COPY writers and readers that grow theirs. */
export interface BufferSource {
  take(bytes: number): Buffer;
  give(buffer: Uint8Array): void;
}

/** Plain allocations, nothing reused: for one-off COPYs (exports, tests). */
export const ALLOCATED_BUFFERS: BufferSource = { take: (bytes) => Buffer.allocUnsafeSlow(bytes), give: () => undefined };
