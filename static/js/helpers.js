// Small helpers every module shares: finding an element by test id, building DOM,
// laying a partial config over a whole one, and writing numbers for people.

export const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

// el("button", {type: "button", onclick}, "text"). Text always goes in as text nodes, never as HTML.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "testid") node.setAttribute("data-testid", value);
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Text that is already there stays: writing it again would replace its node and lay the page out anew.
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// A copy of base with patch laid over it; nested objects merge key by key, anything else replaces.
export function mergeDeep(base, patch) {
  const out = JSON.parse(JSON.stringify(base));
  for (const [key, value] of Object.entries(patch)) {
    const nested = value && typeof value === "object" && !Array.isArray(value) && out[key] && typeof out[key] === "object";
    out[key] = nested ? mergeDeep(out[key], value) : value;
  }
  return out;
}

// "fixed" keeps the live readouts a steady width (at most nine characters for the four digits a
// loss has, 1.23e+4 from ten thousand on); "auto" writes very small or large values (gradient
// errors, collapsed weights) as 1.23e-7 rather than a row of zeros.
export function formatNumber(x, digits = 4, notation = "auto") {
  if (x === null || x === undefined) return "–";
  const abs = Math.abs(x);
  const fixed = Number(x).toFixed(digits);
  if (notation === "fixed" && Math.abs(Number(fixed)) >= 1e4) return x.toExponential(2);
  if (notation === "auto" && abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return x.toExponential(2);
  return fixed;
}

export function formatPercent(x) {
  return x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)}%`;
}

// Text size for plot ticks and legends: 18 px on a projector (big=1), legible elsewhere.
export const plotTextSize = () => (document.documentElement.classList.contains("big") ? 18 : 12);
