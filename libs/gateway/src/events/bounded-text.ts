// Cuts text to a byte budget on a character boundary, marking the cut, so
// audit events stay bounded whatever a tool returns.

export function boundedText(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const marker = `…[TRUNCATED:${Buffer.byteLength(text, 'utf8')} bytes]`;
  const budget = Math.max(0, maxBytes - Buffer.byteLength(marker, 'utf8'));
  const buf = Buffer.from(text, 'utf8');
  let end = Math.min(budget, buf.length);
  // Back up to the start of a UTF-8 sequence.
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8') + marker;
}
