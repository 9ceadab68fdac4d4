// Sample values as the text format spells them. Finite numbers use JavaScript's
// shortest round-trip form (e.g. 0.1, 1e+21, 5e-7), which Prometheus's
// parser (Go strconv.ParseFloat) reads back to the same float64.

export function formatValue(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (Number.isFinite(value)) return Object.is(value, -0) ? '0' : String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}
