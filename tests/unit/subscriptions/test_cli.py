"""The cron commands: a count on success, a one-line message and a non-zero exit on bad input."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("args, printed", [
    (["subscriptions", "notify"], "new-meeting mails queued"),
    (["subscriptions", "digest"], "weekly digests queued"),
    (["reminders", "send"], "meeting reminders queued"),
])
def test_commands_print_a_count_and_refuse_a_bad_now(runner, args, printed):
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"0 {printed}"
    ok = runner.invoke(args=args + ["--now", "2027-01-04T08:00"])
    assert ok.exit_code == 0 and ok.output.startswith("0 ")
    for bad in ("tomorrow", "9999-01-01T00:00"):
        refused = runner.invoke(args=args + ["--now", bad])
        assert refused.exit_code != 0
        assert "--now" in refused.output and len(refused.output.strip().splitlines()) == 1, refused.output
