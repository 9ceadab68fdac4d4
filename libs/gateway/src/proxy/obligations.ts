// Obligations of a permit rule, applied to the result the client receives:
// mask secrets in it, and/or cut its text to a byte budget. Events are
// always masked, whatever the obligations say.
import type { Masker } from '@mcpg/masking';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Obligations } from '../config/gateway-config.ts';
import { boundedText } from '../events/bounded-text.ts';

export function applyObligations(result: CallToolResult, o: Obligations, masker: Masker): CallToolResult {
  let out = result;
  if (o.redactResponse) out = masker.maskJson(out) as CallToolResult;
  if (o.maxResponseBytes > 0) out = capText(out, o.maxResponseBytes);
  return out;
}

/** Text items share the budget in order; items after it is spent keep only the truncation marker. */
function capText(result: CallToolResult, maxBytes: number): CallToolResult {
  let budget = maxBytes;
  const content = result.content.map((item) => {
    if (item.type !== 'text') return item;
    const text = boundedText(item.text, Math.max(budget, 0));
    budget -= Buffer.byteLength(text, 'utf8');
    return text === item.text ? item : { ...item, text };
  });
  const capped: CallToolResult = { ...result, content };
  // Structured content cannot be cut and stay valid; over the budget it is left out.
  if (capped.structuredContent !== undefined && Buffer.byteLength(JSON.stringify(capped.structuredContent)) > Math.max(budget, 0)) {
    delete capped.structuredContent;
  }
  return capped;
}
