// Fetches the Kafka broker's jars from Maven Central with infra/kafka/pom.xml,
// once: later calls find them in infra/kafka/target/lib (and Maven finds them
// in ~/.m2 if target/ was cleaned).

import { access, readFile, rename, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { BusError } from '../errors.ts';
import { assertJava17, capture } from './toolchain.ts';

export const KAFKA_INFRA_DIR = fileURLToPath(new URL('../../../../infra/kafka/', import.meta.url));

export interface ProvisionOptions {
  /** Say nothing on stderr (the Maven output is still in the error if it fails). */
  readonly quiet?: boolean;
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** The Kafka version pinned in the pom, so bumping it there re-provisions. */
export async function pinnedKafkaVersion(): Promise<string> {
  const pom = await readFile(join(KAFKA_INFRA_DIR, 'pom.xml'), 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) throw new BusError('PROVISION_FAILED', `No <kafka.version> in ${join(KAFKA_INFRA_DIR, 'pom.xml')}`);
  return version;
}

/** Returns the directory of jars for `java -cp '<dir>/*'`; runs Maven only if they are missing. */
export async function provisionKafka(options: ProvisionOptions = {}): Promise<string> {
  const version = await pinnedKafkaVersion();
  const libDir = join(KAFKA_INFRA_DIR, 'target', 'lib');
  const marker = (dir: string): string => join(dir, `kafka_2.13-${version}.jar`);
  if (await exists(marker(libDir))) return libDir;

  if (!options.quiet) {
    process.stderr.write(`Fetching Apache Kafka ${version} from Maven Central into ${libDir} (first run only)...\n`);
  }
  await assertJava17(); // Maven needs it too, and says so less clearly
  const partial = join(KAFKA_INFRA_DIR, 'target', `lib.partial-${process.pid}`);
  await rm(partial, { recursive: true, force: true });
  const { code, output } = await capture('mvn', ['-q', '-B', `-Dkafka.lib.dir=${partial}`, 'dependency:copy-dependencies'], {
    cwd: KAFKA_INFRA_DIR,
    echo: !options.quiet,
  });
  if (code !== 0) {
    await rm(partial, { recursive: true, force: true });
    throw new BusError('PROVISION_FAILED', `mvn dependency:copy-dependencies failed (exit ${code}) in ${KAFKA_INFRA_DIR}:\n${tail(output)}`);
  }
  // Another process may have finished first; an older version's jars must not share the classpath.
  if (await exists(marker(libDir))) {
    await rm(partial, { recursive: true, force: true });
    return libDir;
  }
  await rm(libDir, { recursive: true, force: true });
  await rename(partial, libDir);
  return libDir;
}

export function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
