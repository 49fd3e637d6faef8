import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/** The OIP v2 REST payload kinds the schema fixture describes. */
export type OipPayload =
  | 'metadata_server_response'
  | 'metadata_model_response'
  | 'inference_request'
  | 'inference_response'
  | 'error_response';

/**
 * Validators of the protocol's published request/response schemas (fixtures/oip-v2-rest.schema.json),
 * for tests: `check(kind, value)` returns the schema violations, [] when there are none.
 */
export function oipSchema(): (kind: OipPayload, value: unknown) => string[] {
  const schema = JSON.parse(
    readFileSync(new URL('./fixtures/oip-v2-rest.schema.json', import.meta.url), 'utf8'),
  );
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema(schema);
  const cache = new Map<OipPayload, ValidateFunction>();
  return (kind, value) => {
    let validate = cache.get(kind);
    if (!validate) {
      validate = ajv.getSchema(`${schema.$id}#/$defs/${kind}`)!;
      cache.set(kind, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  };
}
