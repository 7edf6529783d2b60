"""The job runner's fixtures (tests/support/jobs.py) for every test of this package."""

from tests.support.jobs import committed, jobs_app

__all__ = ["committed", "jobs_app"]
