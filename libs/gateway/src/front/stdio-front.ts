// One local client over stdio (e.g. a desktop agent spawning the gateway),
// with the identity configured in `stdioIdentity`.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

export interface StdioFront {
  toolsChanged(): void;
  close(): Promise<void>;
}

export async function startStdioFront(server: Server, onSessions: (delta: number) => void): Promise<StdioFront> {
  const transport = new StdioServerTransport();
  let open = true;
  // Set before connect: the SDK chains its own close handler after this one.
  transport.onclose = () => {
    if (open) onSessions(-1);
    open = false;
  };
  await server.connect(transport);
  onSessions(1);
  return {
    toolsChanged() {
      void server.sendToolListChanged().catch(() => undefined);
    },
    close: () => server.close(),
  };
}
