import { describe, expect, it } from 'vitest';
import type { ControlPlaneClient } from '../cli/client.js';
import type { AuditRecord } from '../store/types.js';
import { failedGateData } from '../testing/audit-fixtures.js';
import type { DeploymentView } from './deployment-view.js';
import { followRollout } from './follow.js';

function gateRecord(seq: number): AuditRecord {
  return {
    seq,
    time: 0,
    deployment: 'spam',
    rolloutId: 7,
    kind: 'gate',
    actor: 'controller',
    data: failedGateData('agreement', 'agreement 0.81 < 0.95'),
    prevHash: '',
    hash: '',
  };
}

const endedView = {
  rollout: {
    id: 7,
    phase: 'ValidationFailed',
    reason: 'agreement 0.81 < 0.95',
    context: { finalized: true },
  },
} as unknown as DeploymentView;

describe('followRollout', () => {
  it('prints the records written between its audit read and the read that shows the end', async () => {
    // the controller records the gate result and ends the rollout right after the follower's
    // audit read: the next read (the view) already shows the end
    const reads: string[] = [];
    const client = {
      get: async (path: string) => {
        reads.push(path);
        if (path.startsWith('/api/deployments/')) return endedView;
        const auditReads = reads.filter((p) => p.startsWith('/api/audit')).length;
        return { records: auditReads === 1 ? [] : [gateRecord(11)] };
      },
    } as unknown as ControlPlaneClient;
    const lines: string[] = [];
    const r = await followRollout(client, {
      name: 'spam',
      intentId: 3,
      sinceSeq: 10,
      previousRolloutId: 6,
      json: false,
      out: (l) => lines.push(l),
      pollMs: 1,
    });
    expect(r).toEqual({ outcome: 'ValidationFailed', reason: 'agreement 0.81 < 0.95', rolloutId: 7 });
    expect(lines.join('\n')).toContain('gate failed       agreement    agreement 0.81 < 0.95');
    // the second audit read starts where the first left off
    expect(reads.filter((p) => p.startsWith('/api/audit'))).toEqual([
      '/api/audit?deployment=spam&since=10',
      '/api/audit?deployment=spam&since=10',
    ]);
  });
});
