/** What the service needs from whatever runs the servers: where a disk is, and power on and off. */
export interface ServerRef {
  id: number;
  diskPath: string;
}

export interface HypervisorDriver {
  readonly name: string;
  /** The path of the server's raw disk image, readable and writable by this process. */
  diskPath(server: ServerRef): string;
  /** Powers the server off so its disk is quiescent; returns once it is off. */
  stop(server: ServerRef): Promise<void>;
  start(server: ServerRef): Promise<void>;
}
