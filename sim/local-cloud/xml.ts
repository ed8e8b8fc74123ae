/** Escapes text for an XML element body. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<name>text</name>`, escaped. */
export function el(name: string, text: string | number | boolean): string {
  return `<${name}>${esc(String(text))}</${name}>`;
}

/** `<name>` around already-built XML; lists are always written (`<name/>` when empty) because the SDK reads a missing list as undefined. */
export function wrap(name: string, inner: string): string {
  return inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`;
}

/** Timestamps in XML are RFC 3339 (the SDK rejects epoch numbers there). */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
