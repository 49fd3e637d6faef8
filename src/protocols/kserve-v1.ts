import type { ServerSpec } from '../spec/types.js';
import type { Protocol } from './protocol.js';
import { v1PredictProtocol } from './tfserving.js';

/**
 * KServe's V1 inference protocol (kserve.github.io/website, "V1 Inference Protocol"): the same
 * `:predict` request and answer as TF Serving's row format; only its health API differs, which is
 * the server section's (protocolDefaults).
 */
export const kserveV1Protocol = (server: ServerSpec): Protocol => v1PredictProtocol('kserve-v1', server);
