import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';

/** A Temporal client on the configured namespace. Close `client.connection` when done. */
export async function connectTemporal(config: Config['temporal'], identity?: string): Promise<Client> {
  const connection = await Connection.connect({ address: config.address, connectTimeout: '10s' });
  return new Client({ connection, namespace: config.namespace, identity });
}
