import type { Config } from '../../lib/config';
import type { Service } from '../service';
import { kafkaService } from './kafka';
import { mailService } from './mail';
import { postgresService } from './postgres';
import { temporalService } from './temporal';

export function allServices(config: Config): Service[] {
  return [postgresService(config), temporalService(config), kafkaService(config), mailService(config)];
}
