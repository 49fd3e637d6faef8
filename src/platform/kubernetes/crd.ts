import { API_VERSION, KIND } from '../../spec/fields.js';
import { specToJsonSchema } from '../../spec/json-schema.js';

export const GROUP = API_VERSION.split('/')[0];
export const VERSION = API_VERSION.split('/')[1];
export const PLURAL = 'bluegreendeployments';

type Schema = Record<string, unknown>;

const condition: Schema = {
  type: 'object',
  required: ['type', 'status'],
  properties: {
    type: { type: 'string', description: 'Ready, Progressing or Validated.' },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: { type: 'string' },
    message: { type: 'string' },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    observedGeneration: { type: 'integer' },
  },
};

/**
 * The status the operator writes (through the status subresource). Declared so `kubectl explain`
 * and printer columns know it; open (preserve-unknown-fields) so an operator that adds a field
 * never has it pruned by an older CRD.
 */
const status: Schema = {
  type: 'object',
  description: 'Written by greenlight operator; never by users.',
  'x-kubernetes-preserve-unknown-fields': true,
  properties: {
    phase: { type: 'string', description: 'The rollout phase (Pending … Complete, or an exit).' },
    activeColor: {
      type: 'string',
      enum: ['blue', 'green'],
      description: 'The color receiving user traffic.',
    },
    versions: {
      type: 'object',
      properties: { blue: { type: 'string' }, green: { type: 'string' } },
      description: 'Model version running in each slot.',
    },
    observedGeneration: { type: 'integer', description: 'The metadata.generation this status describes.' },
    conditions: {
      type: 'array',
      items: condition,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    },
    gates: {
      type: 'array',
      description: 'The last rollout’s gate results, in short.',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, status: { type: 'string' }, summary: { type: 'string' } },
      },
    },
    audit: {
      type: 'object',
      description: 'Head of the hash-chained audit log: an anchor outside the operator’s own storage.',
      properties: { records: { type: 'integer' }, head: { type: 'string' } },
    },
  },
};

/**
 * The CustomResourceDefinition of BlueGreenDeployment: its spec schema is generated from the one spec
 * description (src/spec/fields.ts) the CLI parses with, so the API server refuses what
 * `greenlight spec check` refuses (as far as a structural schema can say it).
 */
export function bgdCrd(): Record<string, unknown> {
  const schema = specToJsonSchema({ target: 'crd' });
  (schema.properties as Record<string, Schema>).status = status;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'greenlight' } },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        plural: PLURAL,
        singular: 'bluegreendeployment',
        kind: KIND,
        listKind: `${KIND}List`,
        shortNames: ['bgd'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            {
              name: 'Active',
              type: 'string',
              jsonPath: '.status.activeColor',
              description: 'Color receiving traffic',
            },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Rollout phase' },
            {
              name: 'Blue',
              type: 'string',
              jsonPath: '.spec.blue.modelVersion',
              description: 'Model version in blue',
            },
            {
              name: 'Green',
              type: 'string',
              jsonPath: '.spec.green.modelVersion',
              description: 'Model version in green',
            },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: { openAPIV3Schema: schema },
        },
      ],
    },
  };
}
