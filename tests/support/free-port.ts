import net from "node:net";

/**
 * A port nothing listens on now, as the system hands them out. A random port from a range is not safe:
 * 32768-60999 is Linux's ephemeral range, so it can be a client connection's port (CI once failed on 41942).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
