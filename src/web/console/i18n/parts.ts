/**
 * A piece of a sentence: words of the catalogue, or a value the page renders (a name in <bdi>, a number).
 * The same set as Preact's ComponentChildren, spelled out so the catalogues do not import Preact, whose
 * types bring the DOM with them, and the Node-side tests can read them.
 */
export type Part = object | string | number | bigint | boolean | null | undefined;

/**
 * Interleaves a sentence's words with its values, so a catalogue writes `parts\`Delete ${name}?\`` in its
 * own word order and the page can still put each value in its own element (a Latin name in a
 * left-to-right isolate inside a Pashto sentence).
 */
export function parts(words: TemplateStringsArray, ...values: Part[]): Part[] {
  const out: Part[] = [];
  words.forEach((word, index) => {
    if (word) out.push(word);
    if (index < values.length) out.push(values[index]);
  });
  return out;
}

/** The sentence as plain text, for attributes and titles; values must then be strings themselves. */
export function plain(sentence: Part): string {
  if (Array.isArray(sentence)) return sentence.map(plain).join('');
  return typeof sentence === 'string' || typeof sentence === 'number' ? String(sentence) : '';
}

/** A Latin token inside plain text (an attribute, a title): a left-to-right isolate, as <bdi dir="ltr"> does. */
export function isolate(text: string | number): string {
  return `\u2066${text}\u2069`;
}
