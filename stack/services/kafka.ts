import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../lib/config';
import { appPath } from '../../lib/paths';
import { run, startDaemon, stopDaemon, tcpOpen, which } from '../process';
import { hostPort, MissingPrerequisite, stackPaths, type Service } from '../service';

const POM = appPath('stack', 'kafka', 'pom.xml');
const LOG4J = appPath('stack', 'kafka', 'log4j2.properties');

/** One Apache Kafka broker in KRaft mode (broker + controller), assembled from Maven Central jars. */
export function kafkaService(config: Config): Service {
  const paths = stackPaths(config);
  const { host, port } = hostPort(config.kafka.brokers[0] ?? '127.0.0.1:9092', 9092);
  const controllerPort = config.kafka.controllerPort;
  const dataDir = join(paths.data, 'kafka');
  const propsFile = join(paths.run, 'kafka-server.properties');
  const pidFile = join(paths.run, 'kafka.pid');
  // The jar folder is keyed by the pom's content, so a version bump fetches afresh.
  const libs = join(paths.cache, `kafka-${createHash('sha256').update(readFileSync(POM)).digest('hex').slice(0, 12)}`, 'libs');
  const java = () => ['-cp', `${libs}/*`, `-Dlog4j2.configurationFile=${LOG4J}`, `-Dkafka.logs.dir=${paths.logs}`];

  return {
    name: 'kafka',
    startTimeoutSec: 90,
    endpoints: () => [`bootstrap ${host}:${port}`],
    async prepare() {
      if (!(await which('java'))) throw new MissingPrerequisite('Java introuvable : installez Java 17 ou plus (apt-get install openjdk-17-jre-headless).');
      if (!existsSync(libs) || readdirSync(libs).length === 0) {
        if (!(await which('mvn'))) throw new MissingPrerequisite('Maven introuvable : installez-le (apt-get install maven) pour télécharger Kafka.');
        await run('mvn', ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`], { maxBuffer: 16 << 20 });
      }
      mkdirSync(paths.run, { recursive: true });
      writeFileSync(propsFile, serverProperties(host, port, controllerPort, dataDir));
      if (!existsSync(join(dataDir, 'meta.properties'))) {
        await run('java', [...java(), 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propsFile, '--standalone']);
      }
    },
    healthy: () => brokerAnswers(host, port),
    async start() {
      const heap = process.env.KAFKA_HEAP_OPTS ?? '-Xms256m -Xmx768m';
      startDaemon({
        command: 'java',
        args: [...heap.split(' '), '-XX:+UseG1GC', '-Djava.awt.headless=true', ...java(), 'kafka.Kafka', propsFile],
        logFile: join(paths.logs, 'kafka.out'),
        pidFile,
      });
    },
    stop: async () => void (await stopDaemon(pidFile, 30_000)),
  };
}

/** Ready when the broker accepts connections and answers a metadata request. */
async function brokerAnswers(host: string, port: number): Promise<boolean> {
  if (!(await tcpOpen(host, port))) return false;
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: [`${host}:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2000 }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } finally {
    await admin.disconnect();
  }
}

/** A KRaft cluster id: 16 random bytes in base64url, never starting with '-' (the storage tool would read a flag). */
function clusterId(): string {
  for (;;) {
    const id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(host: string, port: number, controllerPort: number, dataDir: string): string {
  return `# Written by stack/services/kafka.ts at each start.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=${host}:${controllerPort}
listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}
advertised.listeners=PLAINTEXT://${host}:${port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${dataDir}
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=1000
`;
}
