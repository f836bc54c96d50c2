// The page: sign in or register, then the chat (#/chat, #/chat/<session id>) or the data
// view (#/data). Routes live in the URL fragment, so the server serves one page.

import { ApiError, SignInRequired, hasSession, register, signIn, signOut } from "./api.js";
import { showChat } from "./chat.js";
import { showData } from "./data.js";
import { h, replace } from "./dom.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const status = document.getElementById("status");

function say(message, kind = "info") {
  status.textContent = message;
  status.dataset.kind = kind;
}

function onError(error) {
  if (error instanceof SignInRequired) {
    say("Your session ended. Please sign in again.", "error");
    showSignIn();
    return;
  }
  const message = error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`;
  say(message, "error");
}

function field(id, label, attrs) {
  return h("div", { class: "field" }, h("label", { for: id }, label), h("input", { id, name: id, required: true, ...attrs }));
}

function showSignIn() {
  nav.hidden = true;
  let mode = "signin";
  const title = h("h2", { id: "auth-title" }, "Sign in");
  const submit = h("button", { type: "submit", class: "primary" }, "Sign in");
  const toggle = h("button", { type: "button", class: "link" }, "New here? Create an account");
  const passwordHint = h("p", { class: "hint", id: "password-hint", hidden: true }, "At least 8 characters.");
  const form = h(
    "form",
    { class: "auth", "aria-labelledby": "auth-title", novalidate: false },
    title,
    field("email", "Email", { type: "email", autocomplete: "email", inputmode: "email" }),
    field("password", "Password", {
      type: "password", autocomplete: "current-password", minlength: 1, "aria-describedby": "password-hint",
    }),
    passwordHint,
    submit,
    toggle,
  );
  const password = form.querySelector("#password");
  toggle.addEventListener("click", () => {
    mode = mode === "signin" ? "register" : "signin";
    const registering = mode === "register";
    title.textContent = registering ? "Create an account" : "Sign in";
    submit.textContent = registering ? "Create account" : "Sign in";
    toggle.textContent = registering ? "Have an account? Sign in" : "New here? Create an account";
    password.autocomplete = registering ? "new-password" : "current-password";
    password.minLength = registering ? 8 : 1;
    passwordHint.hidden = !registering;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = form.querySelector("#email").value.trim();
    submit.disabled = true;
    say(mode === "register" ? "Creating your account…" : "Signing in…");
    try {
      if (mode === "register") await register(email, password.value);
      else await signIn(email, password.value);
      say("");
      if (!location.hash.startsWith("#/chat") && !location.hash.startsWith("#/data")) location.hash = "#/chat";
      else route();
    } catch (error) {
      onError(error);
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  replace(main, form);
  form.querySelector("#email").focus();
}

let routing = 0;

async function route() {
  if (!hasSession()) {
    showSignIn();
    return;
  }
  const ticket = ++routing;
  nav.hidden = false;
  const [, view, id] = location.hash.split("/");
  for (const link of nav.querySelectorAll("a")) {
    link.toggleAttribute("aria-current", link.dataset.view === (view || "chat"));
    if (link.hasAttribute("aria-current")) link.setAttribute("aria-current", "page");
  }
  say("");
  try {
    if (view === "data") await showData(main);
    else await showChat(main, id, { onError });
  } catch (error) {
    if (ticket === routing) onError(error);
  }
}

document.getElementById("sign-out").addEventListener("click", async () => {
  await signOut();
  say("Signed out.");
  history.replaceState(null, "", "#/");
  showSignIn();
});

window.addEventListener("hashchange", route);
route();
