/**
 * `/openapi/v2` as kubectl asks for it (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`,
 * the gnostic openapi_v2.Document message): swagger "2.0", an info block, no paths and no
 * definitions. kubectl refuses to `apply` (client-side validation) when the download fails; with a
 * document that describes no type it skips validation of every object ("resource is not present")
 * and builds strategic-merge patches from its compiled-in types, which is what it does with CRDs
 * on a real cluster too. Schemas are enforced by the server (structural-schema.ts), not by kubectl.
 */
export function openApiV2Protobuf(): Buffer {
  const field = (num: number, bytes: Buffer) =>
    Buffer.concat([Buffer.from([(num << 3) | 2, bytes.length]), bytes]);
  const text = (num: number, s: string) => field(num, Buffer.from(s, 'utf8'));
  const info = Buffer.concat([text(1, 'Kubernetes (greenlight emulated API server)'), text(2, 'v1.30.0')]);
  return Buffer.concat([text(1, '2.0'), field(2, info), field(8, Buffer.alloc(0))]);
}

/** The content type kube-apiserver answers with (Go's mime parser refuses the `@` of the Accept form). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
