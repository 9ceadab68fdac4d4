export { toInvocationRow, errorHash, type InvocationRow } from './invocation-row.ts';
export { validateCall, InvalidCallError } from './validate-call.ts';
