// A small picture of every dataset, drawn from GET /api/datasets/{name}.

import { api } from "./api.js";
import { classColor } from "./colors.js";

const SIZE = 64;
const SAMPLES = 60;
const DECIMALS = 1; // a pixel of the picture is 12 / SIZE ≈ 0.19 units wide

export function drawPoints(canvas, body, palette = "classic") {
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, SIZE, SIZE);
  const bound = Math.max(1e-9, ...body.labels.map(Math.abs));
  body.points.forEach(([x, y], i) => {
    const label = body.labels[i];
    if (body.task === "regression") {
      ctx.fillStyle = classColor(label / bound < 0 ? 0 : 1, palette);
      ctx.globalAlpha = 0.25 + 0.75 * Math.min(1, Math.abs(label / bound));
    } else {
      ctx.fillStyle = classColor(label, palette);
      ctx.globalAlpha = 1;
    }
    ctx.fillRect(((x + 6) / 12) * SIZE - 1.5, ((6 - y) / 12) * SIZE - 1.5, 3, 3);
  });
  ctx.globalAlpha = 1;
}

export function drawCustom(canvas) {
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, SIZE, SIZE);
  ctx.fillStyle = "#6b7280";
  ctx.font = `${SIZE / 2}px system-ui`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText("✎", SIZE / 2, SIZE / 2);
}

// One button per dataset; onSelect(name) when clicked. The pictures are fetched once `after`
// resolves (the page's first boundary goes first). Returns {select(name)}.
export function buildThumbnails(box, datasets, onSelect, after = Promise.resolve()) {
  const buttons = new Map();
  for (const spec of datasets) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "thumb";
    button.title = spec.description;
    button.setAttribute("data-testid", `dataset-${spec.name}`);
    const canvas = document.createElement("canvas");
    const label = document.createElement("span");
    // A soft hyphen lets "checkerboard" break as "checker-board" in a narrow cell.
    const cut = Math.max(4, spec.name.length - 5);
    label.textContent = spec.name.length > 7 ? `${spec.name.slice(0, cut)}\u00ad${spec.name.slice(cut)}` : spec.name;
    button.append(canvas, label);
    button.addEventListener("click", () => onSelect(spec.name));
    box.append(button);
    buttons.set(spec.name, button);
    if (spec.name === "custom") drawCustom(canvas);
    else
      after
        .then(() => api.dataset(spec.name, { samples: SAMPLES, noise: 0.1, decimals: DECIMALS }))
        .then((body) => drawPoints(canvas, body))
        .catch(() => {});
  }
  return {
    select(name) {
      for (const [n, b] of buttons) b.classList.toggle("selected", n === name);
    },
  };
}
