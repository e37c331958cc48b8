/** Header-field rules shared by the request and response parsers. */

/** A header name (an HTTP token). */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Strips the optional whitespace around a field value: spaces and tabs only, as HTTP defines it. */
export function trimSpaces(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}
