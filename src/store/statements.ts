import type Database from 'better-sqlite3';

/** Every SQL statement the store runs, prepared once per connection. */
export function prepareStatements(db: Database.Database) {
  return {
    getDeployment: db.prepare('SELECT * FROM deployments WHERE name = ?'),
    listDeployments: db.prepare('SELECT * FROM deployments ORDER BY name'),
    upsertDeployment: db.prepare(
      `INSERT INTO deployments (name, spec, active_color, versions, generation, current_rollout_id, created_at, updated_at)
       VALUES (@name, @spec, @active_color, @versions, @generation, @current_rollout_id, @t, @t)
       ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, active_color = excluded.active_color,
         versions = excluded.versions, generation = excluded.generation,
         current_rollout_id = excluded.current_rollout_id, updated_at = excluded.updated_at`,
    ),
    insertRollout: db.prepare(
      `INSERT INTO rollouts (deployment, phase, baseline, candidate, baseline_version, candidate_version, spec,
         context, gate_results, reason, started_at, updated_at, ended_at)
       VALUES (@deployment, @phase, @baseline, @candidate, @baseline_version, @candidate_version, @spec,
         @context, @gate_results, @reason, @t, @t, NULL)`,
    ),
    getRollout: db.prepare('SELECT * FROM rollouts WHERE id = ?'),
    updateRollout: db.prepare(
      `UPDATE rollouts SET phase = @phase, context = @context, gate_results = @gate_results, reason = @reason,
         ended_at = @ended_at, updated_at = @t WHERE id = @id`,
    ),
    // Newest first: history and "the latest rollout" are what callers ask for. LIMIT -1 = all.
    listRollouts: db.prepare('SELECT * FROM rollouts WHERE deployment = ? ORDER BY id DESC LIMIT ?'),
    insertIntent: db.prepare(
      `INSERT INTO intents (deployment, kind, actor, reason, payload, created_at, consumed_at)
       VALUES (@deployment, @kind, @actor, @reason, @payload, @t, NULL)`,
    ),
    getIntent: db.prepare('SELECT * FROM intents WHERE id = ?'),
    pendingAll: db.prepare('SELECT * FROM intents WHERE consumed_at IS NULL ORDER BY id'),
    pendingByDeployment: db.prepare(
      'SELECT * FROM intents WHERE consumed_at IS NULL AND deployment = ? ORDER BY id',
    ),
    consumeIntent: db.prepare('UPDATE intents SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL'),
    getHead: db.prepare('SELECT count, last_hash FROM audit_head WHERE id = 1'),
    updateHead: db.prepare('UPDATE audit_head SET count = ?, last_hash = ? WHERE id = 1'),
    insertAudit: db.prepare(
      `INSERT INTO audit (seq, time, deployment, rollout_id, kind, actor, data, prev_hash, hash)
       VALUES (@seq, @time, @deployment, @rollout_id, @kind, @actor, @data, @prev_hash, @hash)`,
    ),
    auditAll: db.prepare('SELECT * FROM audit WHERE seq > ? ORDER BY seq'),
    auditByDeployment: db.prepare('SELECT * FROM audit WHERE deployment = ? AND seq > ? ORDER BY seq'),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    deleteMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
  };
}
