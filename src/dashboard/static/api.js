// The page's only way to the control plane: same-origin fetches, the admin token from sessionStorage.

const TOKEN_KEY = 'greenlight.adminToken';

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

/** POST an operator command; resolves to { ok, status, body } so the caller can show refusals. */
export async function command(name, kind, reason) {
  const res = await fetch(`/api/deployments/${encodeURIComponent(name)}/${kind}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${getToken()}` },
    body: JSON.stringify(reason ? { reason } : {}),
  });
  let body = {};
  try {
    body = await res.json();
  } catch {
    // an empty or non-JSON answer: the status says enough
  }
  return { ok: res.ok, status: res.status, body };
}
