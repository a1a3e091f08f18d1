// GET /api/options read one way by every menu. A row of a choice list is either a bare
// name (activations, regularization, inits) or {name, label, knobs} (losses, optimizers,
// schedules, features); both become {name, label, knobs}.

// Values the page suggests where the server gives only a limit.
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const REGULARIZATION_RATES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const BATCH_SIZES = [1, 5, 10, 30, 100, 500];

// The menus of the form: [test id, key in the options, label for a bare name].
export const MENUS = [
  ["activation", "activations", (name) => name.replace("_", " ")],
  ["loss", "losses"],
  ["optimizer", "optimizers"],
  ["schedule", "schedules"],
  ["regularization", "regularization", (name) => (name === "none" ? name : name.toUpperCase())],
  ["init", "inits"],
];

export function choices(list, label = (name) => name) {
  return list.map((row) => (typeof row === "string" ? { name: row, label: label(row), knobs: [] } : row));
}

export function names(list) {
  return choices(list).map((row) => row.name);
}

// name -> label of every input feature, for the diagram, the feature buttons and the views.
export function featureLabels(options) {
  return Object.fromEntries(choices(options.features).map((row) => [row.name, row.label]));
}
