import { UsageError } from '../../errors.js';
import { parseArgs } from '../args.js';

export const summary = 'print the JSON Schema of the BlueGreenDeployment spec';
export const usage = `greenlight spec schema [--crd]

Prints the JSON Schema (draft 2020-12) of the spec document, for editors and CI
(e.g. the yaml-language-server: # yaml-language-server: $schema=greenlight.schema.json).

  --crd   the Kubernetes structural-schema form embedded in the CRD (openAPIV3Schema)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, { crd: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const { specToJsonSchema } = await import('../../spec/json-schema.js');
  console.log(JSON.stringify(specToJsonSchema({ target: values.crd ? 'crd' : 'json-schema' }), null, 2));
  return 0;
}
