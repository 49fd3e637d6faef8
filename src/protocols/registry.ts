import type { ServerSpec } from '../spec/types.js';
import { greenlightProtocol } from './greenlight.js';
import { httpJsonProtocol } from './http-json.js';
import { kserveV1Protocol } from './kserve-v1.js';
import { oipV2Protocol } from './oip-v2.js';
import type { Protocol } from './protocol.js';
import { tfservingProtocol } from './tfserving.js';

/** The protocol a server section names, bound to its model name, paths and mapping. */
export function protocolFor(server: ServerSpec): Protocol {
  switch (server.protocol) {
    case 'greenlight':
      return greenlightProtocol(server);
    case 'oip-v2':
      return oipV2Protocol(server);
    case 'tfserving':
      return tfservingProtocol(server);
    case 'kserve-v1':
      return kserveV1Protocol(server);
    case 'http-json':
      return httpJsonProtocol(server);
  }
}
