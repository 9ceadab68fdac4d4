// Payload encryption throughput per core: AES-256-GCM seal and open through
// the project's wrapper (node:crypto, OpenSSL) against @noble/ciphers' gcm
// (pure JS), at the payload sizes capture sees (256 B, 4 KB, 64 KB), with the
// payload's additional data. Each figure is MB of plaintext per second of one
// core (the bench is single-threaded). Both implementations must agree on
// every byte first, or the bench stops.
//   node --import tsx bench/payload-crypto.ts [megabytes per case=32]
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { gcm } from '@noble/ciphers/aes.js';
import { gcmOpen, gcmSeal, payloadAad } from '@mcpg/payload-crypto';

const megabytes = Number(process.argv[2] ?? 32);
const key = randomBytes(32);
const aad = payloadAad({ org: 'acme', eventId: 'gw-1:session-1:42', field: 'arguments', keyVersion: 1 });

function mbPerSecond(size: number, op: () => void): number {
  const rounds = Math.max(1, Math.floor((megabytes * 1e6) / size));
  for (let i = 0; i < Math.min(rounds, 200); i++) op(); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) op();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return (rounds * size) / 1e6 / seconds;
}

console.log(`payload-crypto: ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${megabytes} MB per case`);
console.log('size     impl            seal MB/s   open MB/s');
for (const size of [256, 4096, 65536]) {
  const plaintext = randomBytes(size);
  const nonce = randomBytes(12);
  const ours = gcmSeal(key, nonce, plaintext, aad);
  const theirs = gcm(key, nonce, aad).encrypt(plaintext);
  if (!Buffer.concat([ours.ciphertext, ours.tag]).equals(Buffer.from(theirs))) throw new Error('node:crypto and @noble/ciphers disagree');
  const row = (impl: string, seal: number, open: number) => console.log(`${String(size).padEnd(8)} ${impl.padEnd(15)} ${seal.toFixed(1).padStart(9)}   ${open.toFixed(1).padStart(9)}`);
  // Alternate the two, so a change in load hits both.
  for (let round = 0; round < 2; round++) {
    row(
      'node:crypto',
      mbPerSecond(size, () => gcmSeal(key, randomBytes(12), plaintext, aad)),
      mbPerSecond(size, () => gcmOpen(key, nonce, ours.ciphertext, ours.tag, aad)),
    );
    row(
      '@noble/ciphers',
      mbPerSecond(size, () => gcm(key, randomBytes(12), aad).encrypt(plaintext)),
      mbPerSecond(size, () => gcm(key, nonce, aad).decrypt(theirs)),
    );
  }
}
