// Test helper: starts an HTTP or TCP server on a free loopback port and gives back its base URL (or port). On Linux
// every address of 127.0.0.0/8 is loopback, so servers on 127.0.0.2, 127.0.0.3… are distinct hosts to a fetcher.
import type { Server as HttpServer } from 'node:http';
import type { Server as TcpServer } from 'node:net';

export async function listenOnLoopback(server: HttpServer | TcpServer, address = '127.0.0.1'): Promise<{ port: number; base: string }> {
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : 0;
  return { port, base: `http://${address}:${port}` };
}
