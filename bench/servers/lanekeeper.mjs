// Lanekeeper as an operator runs it: from its config file, through the library entry point
// its README shows. Reports its URL over IPC once listening.
import { loadConfig, startServer } from 'lanekeeper';

const server = await startServer(loadConfig({ file: process.argv[2] }));
process.send({ ready: true, url: server.url, issuer: server.issuer });
const stop = async () => {
  await server.close().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
