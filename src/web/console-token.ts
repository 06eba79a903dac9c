/**
 * Where the console keeps the customer's API token in the browser (sessionStorage, or localStorage when
 * remembered). The /docs reference reads the same entry, so "Try it out" works for a signed-in customer.
 */
export const CONSOLE_TOKEN_KEY = 'vps-console-token';
