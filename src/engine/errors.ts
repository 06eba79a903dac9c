/** Failures of the engine, each with a stable code so callers can map them without parsing messages. */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ChunkMissing extends EngineError {
  constructor(
    readonly digest: string,
    readonly index?: number,
  ) {
    super(
      'chunk_missing',
      `chunk ${digest}${index === undefined ? '' : ` (index ${index})`} is missing from the store`,
    );
  }
}

export class ChunkCorrupt extends EngineError {
  constructor(
    readonly digest: string,
    readonly index: number | undefined,
    reason: string,
  ) {
    super(
      'chunk_corrupt',
      `chunk ${digest}${index === undefined ? '' : ` (index ${index})`} is corrupt: ${reason}`,
    );
  }
}

export class ManifestMissing extends EngineError {
  constructor(
    readonly namespace: string,
    readonly snapshotId: string,
  ) {
    super('manifest_missing', `snapshot ${snapshotId} of ${namespace} has no manifest`);
  }
}

export class ManifestInvalid extends EngineError {
  constructor(snapshotId: string, reason: string) {
    super('manifest_invalid', `manifest of snapshot ${snapshotId} is invalid: ${reason}`);
  }
}

export class InvalidStoreKey extends EngineError {
  constructor(kind: string, value: string) {
    super('invalid_store_key', `invalid ${kind} ${JSON.stringify(value)}`);
  }
}

export class OperationAborted extends EngineError {
  constructor(what: string) {
    super('aborted', `${what} was aborted`);
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new OperationAborted(what);
}
