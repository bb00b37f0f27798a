// The page's only network access: GET requests to this server's /api.

export class ApiFailure extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function getJson(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const url = `${path}${query.size ? `?${query}` : ''}`;
  let response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  } catch (error) {
    throw new ApiFailure(0, 'dashboard_unreachable', `the dashboard server is not answering (${error.message})`);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiFailure(response.status, 'bad_response', `the dashboard answered ${response.status} without JSON`);
  }
  if (!response.ok) throw new ApiFailure(response.status, body?.error?.code ?? 'error', body?.error?.message ?? `HTTP ${response.status}`);
  return body;
}
