/**
 * Answers to reads, kept while the database's change token (src/db/dialect.ts) stays the same: any commit,
 * by this process or another, moves the token and so retires every entry at once. Where the database has
 * no such token, nothing is cached. The token is read before the load, so a write racing the load leaves
 * an entry under the old token, which the next read no longer matches.
 */
export class ReadCache<T> {
  private readonly entries = new Map<string, { token: string; value: T }>();

  constructor(
    private readonly changeToken: () => Promise<string | null>,
    private readonly maxEntries = 2_000,
  ) {}

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const token = await this.changeToken();
    if (token === null) return load();
    const hit = this.entries.get(key);
    if (hit && hit.token === token) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const value = await load();
    this.entries.delete(key);
    this.entries.set(key, { token, value });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return value;
  }
}
