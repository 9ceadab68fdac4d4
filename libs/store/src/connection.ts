// The `Connection` contract that `@clickhouse/client` accepts for a pre-built
// backend (how chdb plugs in). Derived from the client's own config type so it
// always matches the installed client version.
import type { ClickHouseClientConfigOptions } from '@clickhouse/client';

export type Connection = NonNullable<ClickHouseClientConfigOptions['connection']>;
