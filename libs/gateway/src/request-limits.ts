// How large one HTTP request to the gateway may be, envelope included: the
// SDK's Streamable HTTP transport default, so both paths agree (bodies over
// it are refused with 413 before parsing).
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** limits.maxArgumentBytes stops short of the request cap, leaving room for the JSON-RPC envelope. */
export const MAX_ARGUMENT_BYTES = MAX_BODY_BYTES - 64 * 1024;
