// A lesson's panel beside the playground: its text, what to try, and links to its neighbours.

import { api } from "./api.js";
import { $ } from "./helpers.js";

export function showLesson(lesson) {
  $("lesson").hidden = false;
  document.querySelector(".data").classList.add("lesson-mode");
  $("lesson-number").textContent = `Lesson ${lesson.number}`;
  $("lesson-title").textContent = lesson.title;
  $("lesson-text").textContent = lesson.text;
  $("lesson-try").replaceChildren(...lesson.try.map((t) => Object.assign(document.createElement("li"), { textContent: t })));
  document.title = `${lesson.title} · Neural Playground`;
  api.lessons().then((all) => {
    const at = all.findIndex((l) => l.name === lesson.name);
    $("lesson-number").textContent = `Lesson ${lesson.number} of ${Math.max(...all.map((l) => l.number))}`;
    for (const [id, other, arrow] of [["lesson-prev", all[at - 1], "← "], ["lesson-next", all[at + 1], " →"]]) {
      const link = $(id);
      if (!other) continue;
      link.href = `/lessons/${other.name}`;
      link.textContent = arrow === "← " ? `${arrow}${other.number}` : `${other.number}${arrow}`;
      link.title = other.title;
    }
  });
  $("toggle-data").addEventListener("click", () => document.querySelector(".data").classList.toggle("show-data"));
}
