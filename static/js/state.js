// URL state: the whole config (and the page's view flags) in the query string,
// so that a reloaded or shared link opens the same demo, data and seed included.
// Only values that differ from the defaults are written, keeping links short.

// [query parameter, path in the config, kind]
export const PARAMS = [
  ["dataset", "dataset.name", "str"],
  ["samples", "dataset.samples", "int"],
  ["noise", "dataset.noise", "num"],
  ["train", "dataset.train_fraction", "num"],
  ["val", "dataset.validation_fraction", "num"],
  ["classes", "dataset.classes", "int"],
  ["dseed", "dataset.seed", "int"],
  ["points", "dataset.points", "points"],
  ["features", "features", "names"],
  ["hidden", "hidden_layers", "ints"],
  ["activation", "activation", "str"],
  ["slope", "leaky_slope", "num"],
  ["loss", "loss", "str"],
  ["optimizer", "optimizer.name", "str"],
  ["lr", "optimizer.learning_rate", "num"],
  ["momentum", "optimizer.momentum", "num"],
  ["beta1", "optimizer.beta1", "num"],
  ["beta2", "optimizer.beta2", "num"],
  ["rho", "optimizer.rho", "num"],
  ["eps", "optimizer.epsilon", "num"],
  ["schedule", "schedule.name", "str"],
  ["every", "schedule.every", "int"],
  ["factor", "schedule.factor", "num"],
  ["period", "schedule.period", "int"],
  ["minlr", "schedule.min_learning_rate", "num"],
  ["plateau", "schedule.patience", "int"],
  ["reg", "regularization.kind", "str"],
  ["regrate", "regularization.rate", "num"],
  ["patience", "early_stopping.patience", "int"],
  ["batch", "batch_size", "int"],
  ["init", "init", "str"],
  ["seed", "seed", "int"],
];

// View flags: not part of the config, but part of the demo a teacher shares.
export const FLAGS = {
  hide: "names", // controls to hide, e.g. hide=data,hyper,share
  big: "bool", // larger text for a projector
  palette: "str", // "safe" for the colour-blind safe palette
  test: "bool", // show test points (default on)
  discretize: "bool",
  speed: "str", // epochs per second, or max
  autoplay: "bool",
  fps: "int",
  lesson: "str",
};

export const FLAG_DEFAULTS = { hide: [], big: false, palette: "classic", test: true, discretize: false, speed: "20", autoplay: false, fps: 20, lesson: "" };

export function getPath(obj, path) {
  return path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

export function setPath(obj, path, value) {
  const keys = path.split(".");
  let node = obj;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key];
  }
  node[keys[keys.length - 1]] = value;
  return obj;
}

function encodeValue(kind, value, config) {
  switch (kind) {
    case "bool":
      return value ? "1" : "0";
    case "names":
    case "ints":
      return value.length ? value.join(",") : "none";
    case "points": {
      const labels = config.dataset.labels || [];
      return value.map((p, i) => `${round2(p[0])},${round2(p[1])},${labels[i]}`).join(",");
    }
    default:
      return String(value); // the shortest text that reads back as the same number
  }
}

function round2(x) {
  return Math.round(x * 100) / 100;
}

function decodeValue(kind, text) {
  switch (kind) {
    case "str":
      return text;
    case "bool":
      return text === "1" || text === "true";
    case "int": {
      if (!/^-?\d+$/.test(text)) throw new Error("is not a whole number");
      return Number(text);
    }
    case "num": {
      const x = Number(text);
      if (text === "" || !Number.isFinite(x)) throw new Error("is not a number");
      return x;
    }
    case "names":
      return text === "none" || text === "" ? [] : text.split(",").filter(Boolean);
    case "ints":
      return text === "none" || text === "" ? [] : text.split(",").map((t) => decodeValue("int", t));
    case "points": {
      const values = text.split(",").map((t) => decodeValue("num", t));
      if (values.length % 3 !== 0) throw new Error("needs x,y,label triples");
      const points = [];
      const labels = [];
      for (let i = 0; i < values.length; i += 3) {
        points.push([values[i], values[i + 1]]);
        labels.push(values[i + 2]);
      }
      return { points, labels };
    }
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// Query text (without "?") for a config and view flags; defaults are left out.
export function encodeState(config, flags = {}, defaults = {}) {
  const parts = [];
  for (const [name, path, kind] of PARAMS) {
    const value = getPath(config, path);
    if (value === undefined || value === null) continue;
    if (kind !== "points" && same(value, getPath(defaults, path))) continue;
    if (name === "classes" && same(value, defaultClasses(config, defaults))) continue;
    parts.push(`${name}=${encodeURIComponent(encodeValue(kind, value, config)).replace(/%2C/g, ",")}`);
  }
  for (const [name, kind] of Object.entries(FLAGS)) {
    const value = flags[name];
    if (value === undefined || same(value, FLAG_DEFAULTS[name])) continue;
    parts.push(`${name}=${encodeURIComponent(encodeValue(kind, value, config)).replace(/%2C/g, ",")}`);
  }
  return parts.join("&");
}

function defaultClasses(config, defaults) {
  // The server fills in each dataset's own class count; writing it again adds nothing.
  const known = defaults.datasetClasses || {};
  return known[getPath(config, "dataset.name")];
}

// The partial config and flags a query string asks for, with errors for values it cannot read.
export function decodeState(search) {
  const query = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
  const config = {};
  const flags = { ...FLAG_DEFAULTS };
  const errors = [];
  for (const [name, path, kind] of PARAMS) {
    if (!query.has(name)) continue;
    try {
      const value = decodeValue(kind, query.get(name));
      if (kind === "points") {
        setPath(config, "dataset.points", value.points);
        setPath(config, "dataset.labels", value.labels);
      } else {
        setPath(config, path, value);
      }
    } catch (err) {
      errors.push(`${name} ${err.message}`);
    }
  }
  for (const [name, kind] of Object.entries(FLAGS)) {
    if (!query.has(name)) continue;
    try {
      flags[name] = decodeValue(kind, query.get(name));
    } catch (err) {
      errors.push(`${name} ${err.message}`);
    }
  }
  return { config, flags, errors };
}
