import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';

/**
 * How to reach Temporal: plain on the dev server; TLS with an API key (Temporal Cloud) or a client certificate
 * (mTLS: a self-hosted cluster or Temporal Cloud). The same options serve the client and the worker's connection.
 */
export function temporalConnectionOptions(config: Config['temporal']) {
  const clientCertPair = config.clientCert && { crt: readFileSync(config.clientCert.certPath), key: readFileSync(config.clientCert.keyPath) };
  const tls = clientCertPair ? { clientCertPair } : config.apiKey ? true : undefined;
  return { address: config.address, tls, apiKey: config.apiKey };
}

/** A Temporal client on the configured namespace. Close `client.connection` when done. */
export async function connectTemporal(config: Config['temporal'], identity?: string): Promise<Client> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: '10s' });
  return new Client({ connection, namespace: config.namespace, identity });
}
