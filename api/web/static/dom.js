// Building DOM nodes without HTML strings: text always goes in as text, never as markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function build(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** An HTML element: ``h("p", {class: "x"}, "text", otherNode)``. */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, the same way. */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replace the children of ``node``. */
export function replace(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  return node;
}

// A web site (findahelpline.com, 988.ca, lifeline.org.au) or a phone number written with
// separators (1-888-375-7767, 116 123, 13 11 14, 9-8-8).
const RESOURCE = /\b([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|ca|uk|au))\b|\b(\d+(?:[ -]\d+){1,4})\b/i;

/**
 * A referral's text with its resources made usable: web sites as links (opened in a new
 * tab, without a referrer) and phone numbers as ``tel:`` links. Nothing is fetched.
 */
export function withResources(text) {
  const parts = [];
  let rest = text;
  for (let match = RESOURCE.exec(rest); match; match = RESOURCE.exec(rest)) {
    const [found, site] = match;
    parts.push(rest.slice(0, match.index));
    if (site) {
      const attrs = { href: `https://${site}`, target: "_blank", rel: "noopener noreferrer" };
      parts.push(h("a", attrs, site));
    } else {
      parts.push(h("a", { href: `tel:${found.replace(/\D/g, "")}` }, found));
    }
    rest = rest.slice(match.index + found.length);
  }
  parts.push(rest);
  return parts;
}

/** "12:03:04" for a Date. */
export function clock(date) {
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
