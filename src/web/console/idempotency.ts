/**
 * A key for one create or restore the customer means (the API's Idempotency-Key): if the answer is lost
 * and they press the button again, the API answers the first request again instead of doing the work
 * twice. randomUUID exists only in secure contexts; getRandomValues also on a console served over plain
 * HTTP inside a network.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}
