// The form: builds the choices from GET /api/options, shows a config, and
// turns what the user changes into partial configs (patches) for the app.

import { classColor, featurePixels, paintCanvas } from "./colors.js";
import { $ } from "./helpers.js";
import { LEARNING_RATES, MENUS, REGULARIZATION_RATES, choices, names } from "./options.js";

const KNOB_LABELS = { momentum: "momentum", beta1: "β₁", beta2: "β₂", rho: "ρ", epsilon: "ε", every: "every", factor: "factor", period: "period", min_learning_rate: "min rate", leaky_slope: "slope" };

// The penalty each regularization kind adds, as the notes write it (weights only, never biases).
const PENALTIES = {
  l1: "penalty = rate · Σ|w| (weights only)",
  l2: "penalty = rate/2 · Σw² (weights only; the notes' λ = rate/2)",
};

function fillSelect(select, rows) {
  select.replaceChildren(
    ...rows.map(({ name, label }) => {
      const option = document.createElement("option");
      option.value = String(name);
      option.textContent = label;
      return option;
    }),
  );
}

// Select a value, adding it as a choice when the list lacks it (a link may carry any rate).
function selectValue(select, value) {
  const text = String(value);
  if (![...select.options].some((o) => o.value === text)) {
    const option = document.createElement("option");
    option.value = text;
    option.textContent = text;
    select.append(option);
  }
  select.value = text;
}

export class Controls {
  constructor(onPatch, onView) {
    this.onPatch = onPatch;
    this.onView = onView;
    this.config = null;
    this.drawClass = 0;
  }

  build(options) {
    this.options = options;
    for (const [id, key, label] of MENUS) fillSelect($(id), choices(options[key], label));
    fillSelect($("learning-rate"), choices(LEARNING_RATES.map(String)));
    fillSelect($("regularization-rate"), choices(REGULARIZATION_RATES.map(String)));

    const on = (id, event, make) => $(id).addEventListener(event, () => this.onPatch(make($(id))));
    on("activation", "change", (el) => ({ activation: el.value }));
    on("loss", "change", (el) => ({ loss: el.value }));
    on("optimizer", "change", (el) => ({ optimizer: { name: el.value } }));
    on("learning-rate", "change", (el) => ({ optimizer: { learning_rate: Number(el.value) } }));
    on("schedule", "change", (el) => ({ schedule: { name: el.value } }));
    on("regularization", "change", (el) => ({ regularization: { kind: el.value } }));
    on("regularization-rate", "change", (el) => ({ regularization: { rate: Number(el.value) } }));
    on("init", "change", (el) => ({ init: el.value }));
    on("batch-size", "change", (el) => ({ batch_size: Number(el.value) }));
    on("seed", "change", (el) => ({ seed: Number(el.value) }));
    $("new-seed").addEventListener("click", () => this.onPatch({ seed: Math.floor(Math.random() * 100000) }));

    this.slider("noise", (v) => v.toFixed(2), (v) => ({ dataset: { noise: v } }));
    this.slider("train-fraction", (v) => `${Math.round(v * 100)}%`, (v) => ({ dataset: { train_fraction: v } }));
    this.slider("samples", (v) => String(v), (v) => ({ dataset: { samples: v } }));
    this.slider("validation-fraction", (v) => `${Math.round(v * 100)}%`, (v) => this.validationPatch(v));
    on("early-stopping", "change", (el) => this.stoppingPatch(el.checked));
    on("patience", "change", () => ($("early-stopping").checked ? this.stoppingPatch(true) : null));
    on("classes", "change", (el) => ({ dataset: { classes: Number(el.value) } }));
    $("regenerate").addEventListener("click", () =>
      this.onPatch({ dataset: { seed: Math.floor(Math.random() * 100000) } }),
    );

    this.buildFeatures(choices(options.features));
    for (const id of ["show-test", "discretize", "palette"]) $(id).addEventListener("change", () => this.onView());
    $("eraser").addEventListener("change", () => this.drawSwatches());
  }

  // A range input shows its value while dragged and patches once released.
  slider(id, format, make) {
    const input = $(id);
    const output = $(`${id}-value`);
    input.addEventListener("input", () => (output.textContent = format(Number(input.value))));
    input.addEventListener("change", () => this.onPatch(make(Number(input.value))));
  }

  // Early stopping watches the validation loss: no share, no early stopping.
  validationPatch(share) {
    return share === 0 && this.config.early_stopping ? { dataset: { validation_fraction: 0 }, early_stopping: null } : { dataset: { validation_fraction: share } };
  }

  // Turning early stopping on without a validation share holds out a fifth of the training points.
  stoppingPatch(on) {
    const patience = Math.max(1, Math.round(Number($("patience").value)) || 1);
    if (!on) return { early_stopping: null };
    const share = this.config.dataset.validation_fraction > 0 ? {} : { dataset: { validation_fraction: 0.2 } };
    return { ...share, early_stopping: { patience } };
  }

  buildFeatures(features) {
    const box = $("features");
    box.replaceChildren(
      ...features.map(({ name, label }) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "feature";
        button.dataset.feature = name;
        button.setAttribute("data-testid", `feature-${name}`);
        button.title = `Feed ${label} to the network`;
        const canvas = document.createElement("canvas");
        paintCanvas(canvas, featurePixels(name, 20), 20);
        const text = document.createElement("span");
        text.textContent = label;
        button.append(canvas, text);
        button.addEventListener("click", () => this.toggleFeature(name));
        return button;
      }),
    );
  }

  toggleFeature(name) {
    const on = new Set(this.config.features);
    if (on.has(name)) on.delete(name);
    else on.add(name);
    if (!on.size) return;
    const order = names(this.options.features);
    this.onPatch({ features: order.filter((f) => on.has(f)) });
  }

  get view() {
    return {
      showTest: $("show-test").checked,
      discretize: $("discretize").checked,
      palette: $("palette").checked ? "safe" : "classic",
    };
  }

  setView(flags) {
    $("show-test").checked = flags.test;
    $("discretize").checked = flags.discretize;
    $("palette").checked = flags.palette === "safe";
  }

  get erasing() {
    return $("eraser").checked;
  }

  // Show a (resolved) config in every control.
  set(config) {
    this.config = config;
    const opt = config.optimizer;
    $("activation").value = config.activation;
    $("loss").value = config.loss;
    $("optimizer").value = opt.name;
    selectValue($("learning-rate"), opt.learning_rate);
    $("schedule").value = config.schedule.name;
    $("regularization").value = config.regularization.kind;
    selectValue($("regularization-rate"), config.regularization.rate);
    $("init").value = config.init;
    $("batch-size").value = config.batch_size;
    $("seed").value = config.seed;
    const ds = config.dataset;
    $("noise").value = ds.noise;
    $("noise-value").textContent = ds.noise.toFixed(2);
    $("train-fraction").value = ds.train_fraction;
    $("train-fraction-value").textContent = `${Math.round(ds.train_fraction * 100)}%`;
    $("samples").value = ds.samples;
    $("samples-value").textContent = String(ds.samples);
    $("validation-fraction").value = ds.validation_fraction;
    $("validation-fraction-value").textContent = `${Math.round(ds.validation_fraction * 100)}%`;
    $("early-stopping").checked = config.early_stopping !== null;
    if (config.early_stopping && document.activeElement !== $("patience")) $("patience").value = config.early_stopping.patience;
    const spec = this.options.datasets.find((d) => d.name === ds.name);
    const variable = spec && spec.max_classes && spec.max_classes > spec.min_classes;
    $("classes-label").hidden = !variable;
    if (ds.classes) $("classes").value = ds.classes;
    for (const sel of ["noise", "samples"]) $(sel).disabled = ds.name === "custom";
    $("regenerate").disabled = ds.name === "custom";
    document.querySelectorAll(".feature").forEach((b) => b.classList.toggle("on", config.features.includes(b.dataset.feature)));
    $("layer-count").textContent = `${config.hidden_layers.length} layer${config.hidden_layers.length === 1 ? "" : "s"}`;
    $("add-layer").disabled = config.hidden_layers.length >= this.options.limits.max_hidden_layers;
    $("remove-layer").disabled = config.hidden_layers.length === 0;
    $("loss").querySelector('option[value="hinge"]').disabled = (ds.classes || 2) > 2 || ds.classes === null;
    this.knobs("optimizer-knobs", choices(this.options.optimizers).find((o) => o.name === opt.name), opt, "optimizer");
    this.knobs("schedule-knobs", choices(this.options.schedules).find((s) => s.name === config.schedule.name), config.schedule, "schedule");
    const activation = this.options.activation_choices.find((a) => a.name === config.activation);
    this.knobs("activation-knobs", activation, config, "activation", (name, value) => ({ [name]: value }));
    $("regularization-formula").textContent = PENALTIES[config.regularization.kind] || "";
    this.drawSwatches();
  }

  // Inputs for the config fields a choice reads; ``patch`` places a value in the config.
  knobs(id, choice, values, section, patch = (name, value) => ({ [section]: { [name]: value } })) {
    const box = $(id);
    const knobs = (choice ? choice.knobs : []).filter((k) => k !== "learning_rate");
    const current = [...box.querySelectorAll("input")].map((i) => i.name).join();
    if (current !== knobs.join()) {
      box.replaceChildren(
        ...knobs.map((name) => {
          const label = document.createElement("label");
          label.textContent = `${KNOB_LABELS[name] || name} `;
          const input = document.createElement("input");
          input.type = "number";
          input.name = name;
          input.step = "any";
          input.setAttribute("data-testid", `${section}-${name}`);
          input.addEventListener("change", () => this.onPatch(patch(name, Number(input.value))));
          label.append(input);
          return label;
        }),
      );
    }
    for (const input of box.querySelectorAll("input")) {
      if (document.activeElement !== input) input.value = values[input.name];
    }
  }

  drawSwatches() {
    const box = $("draw-classes");
    const ds = this.config.dataset;
    const regression = ds.classes === null;
    const classes = regression ? 0 : Math.min(6, Math.max(ds.classes || 2, 2) + (ds.name === "custom" && ds.classes < 6 ? 1 : 0));
    const palette = this.view.palette;
    box.replaceChildren(
      ...Array.from({ length: classes }, (_, k) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = `swatch${!this.erasing && k === this.drawClass ? " selected" : ""}`;
        b.style.background = classColor(k, palette);
        b.title = `Add points of class ${k}`;
        b.setAttribute("data-testid", `draw-class-${k}`);
        b.addEventListener("click", () => {
          this.drawClass = k;
          $("eraser").checked = false;
          this.drawSwatches();
        });
        return b;
      }),
    );
    $("draw").hidden = regression;
  }
}
