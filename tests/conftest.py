"""Shared test setup: fake AWS credentials and a region, so no test can reach AWS."""

from __future__ import annotations

import os

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "cn-northwest-1",
        "AWS_REGION": "cn-northwest-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    }
)


def _share_botocore_models() -> None:
    """One parsed copy of botocore's service models for the whole run.

    moto's mock starts every test with a fresh boto3 session, and each new session re-reads and parses
    the JSON models of every client it makes (a second or more per test). The models are the same
    read-only data for every session, so their loader is shared.
    """
    import functools

    import botocore.session

    botocore.session.create_loader = functools.cache(botocore.session.create_loader)  # type: ignore[assignment]


_share_botocore_models()


def _record_aws_calls() -> None:
    """With EMS_AWS_CALLS_DIR set (`make test`), every function's AWS calls are recorded, here and in
    the local stacks the end-to-end tests start (they inherit the absolute path), for
    tests/infrastructure/test_function_roles.py."""
    directory = os.environ.get("EMS_AWS_CALLS_DIR")
    if directory:
        os.environ["EMS_AWS_CALLS_DIR"] = os.path.abspath(directory)
        from devstack import aws_calls

        aws_calls.install()


_record_aws_calls()


def _hypothesis_profiles() -> None:
    """`make test` replays the same examples every run, so its verdict is the code's, not the draw's;
    `HYPOTHESIS_PROFILE=explore` draws fresh ones (and many more) to hunt for new counterexamples.
    Neither has a deadline: on a busy machine a slow example is not a failing one."""
    import os

    from hypothesis import settings

    settings.register_profile("repeatable", derandomize=True, deadline=None)
    settings.register_profile("explore", max_examples=1000, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


_hypothesis_profiles()
