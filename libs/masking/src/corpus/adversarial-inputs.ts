// Inputs built to make a backtracking engine go quadratic or worse: 1 MiB runs
// of the characters the rules start or stop on (`a=`, `-----BEGIN`, `eyJ`,
// `:`, `@`, quotes, escapes). Shared by adversarial.spec.ts and the benchmark.

const MB = 1 << 20;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

export const ADVERSARIAL: Readonly<Record<string, string>> = {
  'a=': fill('a='),
  'a:': fill('a:'),
  '-----BEGIN': fill('-----BEGIN RSA PRIVATE KEY-----'),
  'BEGIN no END': `-----BEGIN PRIVATE KEY-----\n${fill('QUJD\n')}`,
  eyJ: fill('eyJ'),
  'eyJ.': fill('eyJhbGciOi.'),
  ':': fill(':'),
  '@': fill('@'),
  aaa: fill('a'),
  'x://a:': fill('x://a:'),
  'scheme://u:p@': fill('https://u:p@'),
  '"a":"': fill('"a":"'),
  'password="': fill('password="'),
  '\\"': fill('\\"'),
  'Bearer ': fill('Bearer '),
  'key: abc ': fill('key: abc '),
  'key ': fill('key '),
  passwordpassword: fill('password'),
  'token Xq…': fill('token Xq7vB2mN9pL4sT8wR3yK6zH1 '),
  '<a>': fill('<a>'),
  'sk-': fill('sk-'),
  '--': fill('-'),
  base64: Buffer.alloc((MB * 3) / 4, 7).toString('base64'),
};
