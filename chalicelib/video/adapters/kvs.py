"""Amazon Kinesis Video Streams WebRTC: one single-master signaling channel per room.

- open: `CreateSignalingChannel` (SINGLE_MASTER), or the existing channel's ARN;
- join: `GetSignalingChannelEndpoint` for the role, `GetIceServerConfig` (TURN) from the channel's
  HTTPS endpoint, and the WSS endpoint presigned with SigV4 (query string, 5 minutes) for this
  channel and client id, so the app connects without AWS credentials of its own;
- close: `DeleteSignalingChannel`.

The presigned URL carries the function's temporary credentials' access key id and a signature
valid for that one connection request; it is returned to the joining participant only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib.video.ports import IceServer, JoinInfo, Role, Room, VideoProvider, VideoUnavailable

PRESIGN_S = 300
MESSAGE_TTL_S = 60


class KvsVideo(VideoProvider):
    def __init__(
        self,
        region: str,
        tags: dict[str, str] | None = None,
        *,
        kvs: Any = None,
        signaling: Callable[[str], Any] | None = None,
        credentials: Any = None,
    ) -> None:
        """`kvs`, `signaling` (endpoint -> client) and `credentials` default to boto3's, made on first use."""
        self._region = region
        self._tags = tags or {}
        self._kvs = kvs
        self._signaling = signaling
        self._credentials = credentials

    def open(self, name: str) -> Room:
        kvs = self._client()
        try:
            arn = kvs.create_signaling_channel(
                ChannelName=name, ChannelType="SINGLE_MASTER",
                SingleMasterConfiguration={"MessageTtlSeconds": MESSAGE_TTL_S},
                Tags=[{"Key": k, "Value": v} for k, v in sorted(self._tags.items())],
            )["ChannelARN"]  # fmt: skip
        except kvs.exceptions.ResourceInUseException:
            arn = kvs.describe_signaling_channel(ChannelName=name)["ChannelInfo"]["ChannelARN"]
        except Exception as exc:
            raise VideoUnavailable(f"CreateSignalingChannel: {type(exc).__name__}") from exc
        return Room(provider="kvs", room_id=arn, name=name)

    def join(self, room: Room, client_id: str, role: Role, now: datetime) -> JoinInfo:
        try:
            endpoints = self._client().get_signaling_channel_endpoint(
                ChannelARN=room.room_id,
                SingleMasterChannelEndpointConfiguration={"Protocols": ["WSS", "HTTPS"], "Role": role.upper()},
            )["ResourceEndpointList"]
            by_protocol = {e["Protocol"]: e["ResourceEndpoint"] for e in endpoints}
            ice = self._ice(by_protocol["HTTPS"], room.room_id, client_id)
            url = self._presign(by_protocol["WSS"], room.room_id, client_id if role == "viewer" else None)
        except VideoUnavailable:
            raise
        except Exception as exc:
            raise VideoUnavailable(f"GetSignalingChannelEndpoint: {type(exc).__name__}") from exc
        return JoinInfo(provider="kvs", room_id=room.room_id, role=role, client_id=client_id, signaling_url=url,
                        expires_at=now + timedelta(seconds=PRESIGN_S), ice_servers=ice)  # fmt: skip

    def close(self, room: Room) -> None:
        kvs = self._client()
        try:
            kvs.delete_signaling_channel(ChannelARN=room.room_id)
        except kvs.exceptions.ResourceNotFoundException:
            return
        except Exception as exc:
            raise VideoUnavailable(f"DeleteSignalingChannel: {type(exc).__name__}") from exc

    def _ice(self, https_endpoint: str, arn: str, client_id: str) -> list[IceServer]:
        if self._signaling is not None:
            signaling = self._signaling(https_endpoint)
        else:
            import boto3

            signaling = boto3.client("kinesis-video-signaling", region_name=self._region, endpoint_url=https_endpoint)
        try:
            servers = signaling.get_ice_server_config(ChannelARN=arn, ClientId=client_id, Service="TURN")[
                "IceServerList"
            ]
        except Exception as exc:
            raise VideoUnavailable(f"GetIceServerConfig: {type(exc).__name__}") from exc
        stun = IceServer(urls=[f"stun:stun.kinesisvideo.{self._region}.{_domain(self._region)}:443"])
        return [stun, *(IceServer(urls=s["Uris"], username=s.get("Username"), credential=s.get("Password"),
                                  ttl_s=s.get("Ttl")) for s in servers)]  # fmt: skip

    def _presign(self, wss_endpoint: str, arn: str, client_id: str | None) -> str:
        from botocore.auth import SigV4QueryAuth
        from botocore.awsrequest import AWSRequest

        params = {"X-Amz-ChannelARN": arn, **({"X-Amz-ClientId": client_id} if client_id else {})}
        request = AWSRequest(method="GET", url=f"{wss_endpoint}/?{urlencode(params)}")
        credentials = self._credentials
        if credentials is None:
            import boto3

            credentials = boto3.Session().get_credentials()
        if credentials is None:
            raise VideoUnavailable("no AWS credentials to sign the signaling URL")
        SigV4QueryAuth(credentials.get_frozen_credentials(), "kinesisvideo", self._region, expires=PRESIGN_S).add_auth(
            request
        )
        return str(request.url)

    def _client(self) -> Any:
        if self._kvs is None:
            from chalicelib.core.aws import client

            self._kvs = client("kinesisvideo")
        return self._kvs


def _domain(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
