/**
 * Reads the Dockerfile into its stages and steps, so CI can build the production tree the way the image is built,
 * without a Docker engine (release/check.ts).
 */
export type Step =
  | { kind: 'copy'; from?: string; sources: string[]; dest: string }
  | { kind: 'run'; command: string }
  | { kind: 'env'; vars: Record<string, string> }
  | { kind: 'cmd'; argv: string[] };

export interface Stage {
  name: string;
  image: string;
  workdir: string;
  steps: Step[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  // Continuation lines join their instruction; comments go.
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const [, keyword = '', rest = ''] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    const stage = stages.at(-1);
    switch (keyword.toUpperCase()) {
      case 'FROM': {
        const [image = '', , name] = rest.split(/\s+/);
        stages.push({ name: name ?? String(stages.length), image, workdir: '/', steps: [] });
        break;
      }
      case 'WORKDIR':
        stage!.workdir = rest;
        break;
      case 'COPY': {
        const words = rest.split(/\s+/);
        const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const paths = words.filter((w) => !w.startsWith('--'));
        stage!.steps.push({ kind: 'copy', from, sources: paths.slice(0, -1), dest: paths.at(-1)! });
        break;
      }
      case 'RUN':
        stage!.steps.push({ kind: 'run', command: rest });
        break;
      case 'ENV':
        stage!.steps.push({ kind: 'env', vars: Object.fromEntries([...rest.matchAll(/(\w+)=(\S+)/g)].map(([, k, v]) => [k!, v!])) });
        break;
      case 'CMD':
        stage!.steps.push({ kind: 'cmd', argv: JSON.parse(rest) as string[] });
        break;
      case 'USER': case 'EXPOSE':
        break;
      default:
        throw new Error(`Dockerfile : instruction non prise en charge par la vérification : ${line}`);
    }
  }
  return stages;
}
