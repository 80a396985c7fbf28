"""Sleep-time compute: the digest that turns raw chunks into learned context.

Steps (`plan`) are small and commit atomically (`step_work`), so a digest can be stopped, paused
or killed at any moment and resumes without repeating or losing work (`runner`). What the notes
are made of follows what the bundled 135M model can and cannot do:

- `key_sentences`: facts are the documents' own key sentences (numbers, names, dates,
  definitions, defaults, obligations), chosen without a model;
- `anticipated_questions`, `chunk_step`: the model only phrases short questions under a GBNF grammar
  (`grammars`, `prompts`); answers are extracted sentences;
- `support`, `dedup`: every note must be supported by its source chunks; repeats are dropped;
- `summaries`, `library_steps`: extractive summaries, cross-document notes and a library brief,
  with one model-written sentence kept only when it passes the support check;
- `command` (`nocturne digest`), `process` (`DigestProcess` for the scheduler and the window),
  `status` (`digest_status`, `document_progress`), `events` (progress and ETA).
"""
