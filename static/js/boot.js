// The page's first requests: the options, the lesson and the session the link asks for.
// The page loads this module as an entry of its own, ahead of main.js, so they go out as
// soon as these few small modules are in, while the rest of the page is still arriving.

import { ApiError, api } from "./api.js";
import { mergeDeep } from "./helpers.js";
import { decodeState } from "./state.js";

// A saved run's copy, else a new session with the link's settings (the defaults if those are
// refused). notices: [level, text] for the status line, in order; runSlug: null once a saved
// run could not be opened and the page fell back to a new demo.
async function openSession(runSlug, config, errors) {
  const notices = [];
  if (runSlug) {
    try {
      const [session, saved] = await Promise.all([api.openRun(runSlug), api.run(runSlug)]);
      const title = saved.run?.title || runSlug;
      document.title = `${title} · Neural Playground`;
      notices.push(["say", `Opened the saved run “${title}”.`]);
      return { session, notices, runSlug };
    } catch (err) {
      notices.push(["error", `That saved run could not be opened (${err.message}); starting a new demo instead.`]);
      history.replaceState(null, "", "/");
    }
  }
  if (errors.length) notices.push(["error", `Some of the link's settings could not be read: ${errors.join("; ")}.`]);
  try {
    return { session: await api.create(config), notices, runSlug: null };
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 422) throw err;
    notices.push(["error", `The link's settings were not valid (${err.message}); showing the defaults instead.`]);
    return { session: await api.create({}), notices, runSlug: null };
  }
}

function begin() {
  const page = document.body.dataset;
  const link = decodeState(location.search);
  const lesson = page.lesson ? api.lesson(page.lesson) : Promise.resolve(null);
  const options = api.options();
  const opening = page.watch ? null : lesson.then((l) => openSession(page.run || null, l ? mergeDeep(l.config, link.config) : link.config, link.errors));
  // main.js awaits each of these; a refusal before it does is not an uncaught one.
  for (const request of [lesson, options, opening]) request?.catch(() => {});
  return { link, lesson, options, opening };
}

// {link: decodeState's reading of the address, lesson, options, opening: openSession's answer
// (null when watching a presenter)}: promises, except link.
export const boot = begin();
