"""Background digestion: overnight and when idle, on mains power, out of the way of questions.

  policy.py        when may the digest run (pure: a clock reading and measurements in)
  scheduler.py     DigestScheduler.tick(): measure, decide, start/pause/resume/stop the digest
  idle.py          how long the person has been away (idle_sources.py: X11, D-Bus, Windows, macOS)
  power.py         mains or battery
  questions_in_flight.py  question_in_flight(): a question pauses the digest, from any process
  digest_process.py the real digest (sleeptime.process.DigestProcess) behind the scheduler
  state.py         pause-until, served windows, last decision, heartbeat: in the library database
  work.py          is there anything left to digest
  orphans.py       a digest left behind by a killed scheduler is ended
  single.py        one scheduler per library
  folders.py       watched folders; watcher.py keeps the library in step with them
  daemon.py        `nocturne daemon`: run_daemon(); build_scheduler() for the window
  schedule_report.py  schedule_status(): the schedule's part of `nocturne status`

Nothing here imports Qt; the window drives the same scheduler.
"""
