// Escaping per the Prometheus text format 0.0.4. Strings without anything to
// escape (nearly all of them) are returned as they are, after one regex test.
//
// Lone UTF-16 surrogates need no handling here: encoding the output as UTF-8
// replaces them with U+FFFD, so the bytes on the wire are always valid UTF-8.

const LABEL_VALUE_SPECIAL = /[\\"\n]/;
const LABEL_VALUE_SPECIAL_ALL = /[\\"\n]/g;
const HELP_SPECIAL = /[\\\n]/;
const HELP_SPECIAL_ALL = /[\\\n]/g;

const replacement = (c: string): string => (c === '\n' ? '\\n' : `\\${c}`);

/** Label value: backslash, double quote and line feed become `\\`, `\"`, `\n`. */
export function escapeLabelValue(value: string): string {
  return LABEL_VALUE_SPECIAL.test(value) ? value.replace(LABEL_VALUE_SPECIAL_ALL, replacement) : value;
}

/** HELP text: backslash and line feed become `\\` and `\n` (quotes stay as they are). */
export function escapeHelp(text: string): string {
  return HELP_SPECIAL.test(text) ? text.replace(HELP_SPECIAL_ALL, replacement) : text;
}
