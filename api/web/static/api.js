// The API client: tokens, refresh on 401, problem+json errors.
//
// Tokens (see the README, "Web app"): the access token lives in this module's memory only.
// The refresh token is kept in sessionStorage: it survives a reload of this tab but not the
// tab itself, is never shared with another tab (two tabs rotating one refresh token would
// look like token theft to the server, which then revokes every session), and is never
// sent automatically by the browser (no cookie, so no CSRF). Every refresh rotates it.

const REFRESH_KEY = "sleek-coach.refresh";

let accessToken = null;
let refreshing = null;

/** An error answer of the API (problem+json), or a failure to reach it. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(describe(status, problem, retryAfter));
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/** The session is over (no refresh token, or the server refused it): sign in again. */
export class SignInRequired extends Error {
  constructor() {
    super("Please sign in.");
  }
}

function describe(status, problem, retryAfter) {
  if (status === 429) {
    const wait = retryAfter ? ` Try again in ${retryAfter} s.` : " Try again shortly.";
    return `Too many requests.${wait}`;
  }
  if (problem && Array.isArray(problem.errors) && problem.errors.length) {
    return problem.errors.map((e) => `${e.field.replace(/^body\./, "")}: ${e.message}`).join("; ");
  }
  if (problem && problem.detail) return String(problem.detail);
  return `The server answered ${status}.`;
}

/** The ApiError of a failed response. */
export async function errorOf(response) {
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    problem = null;
  }
  const retry = Number.parseInt(response.headers.get("Retry-After") || "", 10);
  return new ApiError(response.status, problem, Number.isFinite(retry) ? retry : null);
}

function keep(pair) {
  accessToken = pair.access_token;
  sessionStorage.setItem(REFRESH_KEY, pair.refresh_token);
}

function forget() {
  accessToken = null;
  sessionStorage.removeItem(REFRESH_KEY);
}

/** Whether this tab holds a session (an access token, or a refresh token to get one). */
export function hasSession() {
  return accessToken !== null || sessionStorage.getItem(REFRESH_KEY) !== null;
}

async function postJson(path, body) {
  return fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
    cache: "no-store",
    credentials: "omit",
  });
}

/** Exchange email and password for tokens. */
export async function signIn(email, password) {
  const response = await postJson("/v1/auth/login", { email, password });
  if (!response.ok) throw await errorOf(response);
  keep(await response.json());
}

/** Create an account, then sign in with it. */
export async function register(email, password) {
  const response = await postJson("/v1/auth/register", { email, password });
  if (!response.ok) throw await errorOf(response);
  await signIn(email, password);
}

/** Revoke this tab's refresh token and forget both tokens. */
export async function signOut() {
  const token = sessionStorage.getItem(REFRESH_KEY);
  forget();
  if (token) {
    try {
      await postJson("/v1/auth/logout", { refresh_token: token });
    } catch {
      // Offline: the token expires on its own; nothing in this tab can use it any more.
    }
  }
}

// One refresh at a time: requests that fail together wait for the same new pair, because
// presenting the old refresh token twice is treated by the server as reuse.
function refresh() {
  if (refreshing === null) {
    refreshing = (async () => {
      const token = sessionStorage.getItem(REFRESH_KEY);
      if (!token) {
        forget();
        throw new SignInRequired();
      }
      const response = await postJson("/v1/auth/refresh", { refresh_token: token });
      if (response.status === 401 || response.status === 403 || response.status === 422) {
        forget();
        throw new SignInRequired();
      }
      if (!response.ok) throw await errorOf(response);
      keep(await response.json());
    })().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

function withToken(init) {
  const headers = new Headers(init.headers || {});
  headers.set("Authorization", `Bearer ${accessToken}`);
  return { ...init, headers, credentials: "omit", cache: "no-store" };
}

/** ``fetch`` with the access token; refreshes it once on a 401 and repeats the request. */
export async function authFetch(path, init = {}) {
  if (accessToken === null) await refresh();
  const used = accessToken;
  let response = await fetch(path, withToken(init));
  if (response.status === 401) {
    // Another request may have refreshed meanwhile: then only repeat with the new token.
    if (accessToken === used) await refresh();
    response = await fetch(path, withToken(init));
    if (response.status === 401) {
      forget();
      throw new SignInRequired();
    }
  }
  return response;
}

/** A JSON call of the API; throws ApiError for an error answer. */
export async function api(method, path, body) {
  const init = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await authFetch(path, init);
  if (!response.ok) throw await errorOf(response);
  return response.status === 204 ? null : response.json();
}
