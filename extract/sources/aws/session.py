"""boto3 clients for one account and region: standard credential chain, adaptive retries.

Credentials are resolved by boto3 itself (environment, shared config and ``AWS_PROFILE``,
SSO, container or instance role) the first time a client signs a request; this module never
reads or copies them. ``AWS_ENDPOINT_URL`` (or ``AWS_ENDPOINT_URL_<SERVICE>``) is honoured by
botocore, which is how the tests point a subprocess at a local moto server.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.paginate import PageIterator

from extract.sources.aws.errors import AwsSetupError


def retry_config(max_attempts: int) -> Config:
    """Adaptive retries: exponential backoff with jitter plus client-side rate limiting once
    AWS starts throttling (FilterLogEvents allows 5 TPS per account and region)."""
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        connect_timeout=10,
        read_timeout=60,
        user_agent_extra="groundtruth-warehouse",
    )


class Clients:
    """Lazily created, cached clients of one boto3 session and region.

    >>> clients = Clients(region="us-east-1")       # doctest: +SKIP
    >>> clients.paginate("logs", "filter_log_events", logGroupName="...")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        max_attempts: int = 10,
        session: boto3.Session | None = None,
    ) -> None:
        self.session = session or boto3.Session(region_name=region)
        self.region = region or self.session.region_name
        if not self.region:
            raise AwsSetupError(
                "no AWS region: pass --region, set GTWH_AWS_REGION or AWS_REGION, "
                "or configure one in the AWS profile"
            )
        self.config = retry_config(max_attempts)
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(
                service, region_name=self.region, config=self.config
            )
        return self._clients[service]

    def paginate(self, service: str, operation: str, **kwargs: Any) -> PageIterator:
        """``client.get_paginator(operation).paginate(**kwargs)``: every page, raw responses."""
        return self.client(service).get_paginator(operation).paginate(**kwargs)
