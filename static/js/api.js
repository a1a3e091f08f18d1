// The public REST API, and nothing else: the page has no private routes.

export class ApiError extends Error {
  constructor(status, detail) {
    super(describeDetail(detail));
    this.status = status;
    this.detail = detail;
  }
}

// "hidden_layers.1: Input should be less than or equal to 64" from a 422 body's detail.
export function describeDetail(detail) {
  if (typeof detail === "string") return detail;
  if (!Array.isArray(detail)) return "the server refused the request";
  return detail
    .map((e) => {
      const where = (e.loc || []).filter((p) => p !== "body").join(".");
      // "line 1: expected 3 columns" already says where: no "line.1: " in front of it.
      const said = e.msg.startsWith(`${where.replaceAll(".", " ")}:`);
      return where && !said ? `${where}: ${e.msg}` : e.msg;
    })
    .join("; ");
}

async function request(method, path, { json, body, headers, query } = {}) {
  const url = query ? `${path}?${new URLSearchParams(query)}` : path;
  const init = { method, headers: { ...(headers || {}) } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["content-type"] = "application/json";
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new ApiError(0, "cannot reach the server: is it still running?");
  }
  if (response.status === 204) return null;
  let payload = null;
  try {
    payload = await response.json();
  } catch (err) {
    payload = null;
  }
  if (!response.ok) {
    let detail = payload && payload.detail !== undefined ? payload.detail : response.statusText;
    if (response.status === 429) detail = `${describeDetail(detail)} (the server is full)`;
    throw new ApiError(response.status, detail);
  }
  return payload;
}

async function requestText(path) {
  let response;
  try {
    response = await fetch(path);
  } catch (err) {
    throw new ApiError(0, "cannot reach the server: is it still running?");
  }
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).detail;
    } catch (err) {
      /* keep the status text */
    }
    throw new ApiError(response.status, detail);
  }
  return response.text();
}

const session = (id) => `/api/sessions/${encodeURIComponent(id)}`;

export const api = {
  options: () => request("GET", "/api/options"),
  dataset: (name, query) => request("GET", `/api/datasets/${encodeURIComponent(name)}`, { query }),
  create: (config) => request("POST", "/api/sessions", { json: config }),
  get: (id) => request("GET", session(id)),
  patch: (id, patch) => request("PATCH", session(id), { json: patch }),
  step: (id, steps, unit) => request("POST", `${session(id)}/step`, { json: { steps, unit } }),
  reset: (id) => request("POST", `${session(id)}/reset`),
  remove: (id) => request("DELETE", session(id)),
  data: (id, decimals = 3) => request("GET", `${session(id)}/data`, { query: { decimals } }),
  putPoints: (id, points, labels) => request("PUT", `${session(id)}/data`, { json: { points, labels } }),
  uploadCsv: (id, file) => {
    const form = new FormData();
    form.append("file", file);
    return request("PUT", `${session(id)}/data`, { body: form });
  },
  network: (id) => request("GET", `${session(id)}/network`),
  history: (id, since = 0) => request("GET", `${session(id)}/history`, { query: { since } }),
  setWeight: (id, edit) => request("PATCH", `${session(id)}/network`, { json: edit }),
  boundary: (id, query) => request("GET", `${session(id)}/boundary`, { query }),
  frame: (id, query) => request("GET", `${session(id)}/frame`, { query }),
  gradcheck: (id) => request("GET", `${session(id)}/gradcheck`),
  backprop: (id, query) => request("GET", `${session(id)}/backprop`, { query }),
  collapsed: (id) => request("GET", `${session(id)}/collapsed`),
  health: (id) => request("GET", `${session(id)}/health`),
  slice: (id, query) => request("GET", `${session(id)}/landscape`, { query }),
  checkpoints: (id) => request("GET", `${session(id)}/checkpoints`),
  checkpoint: (id, epoch) => request("GET", `${session(id)}/checkpoints/${epoch}`),
  restore: (id, epoch) => request("POST", `${session(id)}/checkpoints/${epoch}/restore`),
  restoreBest: (id) => request("POST", `${session(id)}/restore-best`),
  code: (id, kind) => requestText(`${session(id)}/export/${kind}`),
  landscape: (kind, body) => request("POST", `/api/landscapes/${kind}`, { json: body }),
  lessons: () => request("GET", "/api/lessons"),
  lesson: (name) => request("GET", `/api/lessons/${encodeURIComponent(name)}`),
  watchLink: (id) => request("POST", `${session(id)}/watch`),
  watched: (token) => request("GET", `/api/watch/${encodeURIComponent(token)}`),
  watchedData: (token, decimals = 3) => request("GET", `/api/watch/${encodeURIComponent(token)}/data`, { query: { decimals } }),
  saveRun: (id, title) => request("POST", `/api/sessions/${encodeURIComponent(id)}/runs`, { json: { title } }),
  run: (slug) => request("GET", `/api/runs/${encodeURIComponent(slug)}`),
  openRun: (slug) => request("POST", `/api/runs/${encodeURIComponent(slug)}/open`),
};
