/** Start-up waits for the brokers (issue 19's stop-anywhere work, found by the fault suite under load). */
import { expect, it } from 'vitest';
import { untilKafkaAnswers } from '../../lib/kafka';
import { createLogger } from '../../lib/logger';

const logger = createLogger('test', 'silent');
const failure = (name: string) => Object.assign(new Error(name), { name });

it('tries a start-up step again while the brokers cannot be reached', async () => {
  let calls = 0;
  const result = await untilKafkaAnswers('connexion', async () => {
    calls++;
    if (calls === 1) throw failure('KafkaJSNumberOfRetriesExceeded');
    if (calls === 2) throw failure('KafkaJSConnectionError');
    return 'connecté';
  }, logger);
  expect({ result, calls }).toEqual({ result: 'connecté', calls: 3 });
});

it('fails at once on any other error (authentication, configuration)', async () => {
  let calls = 0;
  const refused = untilKafkaAnswers('connexion', async () => {
    calls++;
    throw failure('KafkaJSSASLAuthenticationError');
  }, logger);
  await expect(refused).rejects.toThrow('KafkaJSSASLAuthenticationError');
  expect(calls).toBe(1);
});
