// Test helper: starts an HTTP or TCP server on a free loopback port and gives back its base URL (or port).
import type { Server as HttpServer } from 'node:http';
import type { Server as TcpServer } from 'node:net';

export async function listenOnLoopback(server: HttpServer | TcpServer): Promise<{ port: number; base: string }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, base: `http://127.0.0.1:${port}` };
}
