// A tool call's arguments are checked against the input schema the tool
// advertises before anything runs, for every tool the same way: an unknown
// argument (e.g. `format`, which would turn a search into a whole CSV
// export), a missing required one, or a value of the wrong shape is MCP's
// invalid-params error (-32602) naming the argument. Each argument's schema is
// compiled once, with the SDK's own JSON Schema validator (ajv, no type
// coercion: `" "` is not an integer here), and the object level of the schema
// (properties, required, additionalProperties: false) is walked here so that
// every error can say which argument it is about.
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType, JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { ToolInputSchema } from './mcp-tools.ts';

export type ArgumentCheck = (args: Readonly<Record<string, unknown>>) => void;

const validators = new AjvJsonSchemaValidator();

/** -32602 naming the argument; `data` carries the API's error shape (code, parameter). */
export function invalidArgument(tool: string, argument: string, what: string): McpError {
  return new McpError(ErrorCode.InvalidParams, `${tool}: argument ${argument} ${what}`, { code: 'INVALID_PARAMETER', parameter: argument });
}

/** Compiles the check of one tool's arguments; call it once per tool and reuse it. */
export function compileArgumentCheck(tool: string, schema: ToolInputSchema): ArgumentCheck {
  const byName = new Map<string, JsonSchemaValidator<unknown>>(Object.entries(schema.properties).map(([name, s]) => [name, validators.getValidator(s as JsonSchemaType)]));
  const inputs = [...byName.keys()].join(', ');
  return (args) => {
    for (const [name, value] of Object.entries(args)) {
      const validate = byName.get(name);
      if (!validate) throw invalidArgument(tool, name, `is not an input of this tool (its inputs: ${inputs})`);
      const result = validate(value);
      // ajv says "data must be string"; the argument's name reads better than "data".
      if (!result.valid) throw invalidArgument(tool, name, result.errorMessage.replace(/\bdata /g, ''));
    }
    for (const name of schema.required) {
      if (!Object.hasOwn(args, name)) throw invalidArgument(tool, name, 'is required');
    }
  };
}
